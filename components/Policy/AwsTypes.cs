namespace Infra.Policy;

/// <summary>The provider type tokens the built-in rules read.</summary>
public static class AwsTypes
{
    public const string Bucket = "aws:s3/bucket:Bucket";
    public const string BucketEncryption = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
    public const string BucketPublicAccessBlock = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
    public const string BucketPolicy = "aws:s3/bucketPolicy:BucketPolicy";
    public const string BucketNotification = "aws:s3/bucketNotification:BucketNotification";
    public const string KmsKey = "aws:kms/key:Key";
    public const string LogGroup = "aws:cloudwatch/logGroup:LogGroup";
    public const string MetricAlarm = "aws:cloudwatch/metricAlarm:MetricAlarm";
    public const string EventTarget = "aws:cloudwatch/eventTarget:EventTarget";
    public const string RestApi = "aws:apigateway/restApi:RestApi";
    public const string Stage = "aws:apigateway/stage:Stage";
    public const string Method = "aws:apigateway/method:Method";
    public const string ApiKey = "aws:apigateway/apiKey:ApiKey";
    public const string WebAclAssociation = "aws:wafv2/webAclAssociation:WebAclAssociation";
    public const string Role = "aws:iam/role:Role";
    public const string RolePolicy = "aws:iam/rolePolicy:RolePolicy";
    public const string Function = "aws:lambda/function:Function";
    public const string LambdaAlias = "aws:lambda/alias:Alias";
    public const string LambdaPermission = "aws:lambda/permission:Permission";
    public const string FunctionEventInvokeConfig = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";
    public const string EventSourceMapping = "aws:lambda/eventSourceMapping:EventSourceMapping";
    public const string Queue = "aws:sqs/queue:Queue";
    public const string QueuePolicy = "aws:sqs/queuePolicy:QueuePolicy";
    public const string TopicPolicy = "aws:sns/topicPolicy:TopicPolicy";
    public const string TopicSubscription = "aws:sns/topicSubscription:TopicSubscription";
    public const string Table = "aws:dynamodb/table:Table";
}
