using System.Text.RegularExpressions;

namespace AwsSemantics.Tests.Limits;

/// <summary>
/// What AWS accepts as one resource type's name: the property that holds it, its length, its characters, and where
/// the rule is documented. <paramref name="Unique"/> says the name must be unique in the account and region (or, for
/// S3 buckets and IAM, wider), so two stacks of one project in one account must not share a fixed one.
/// </summary>
public sealed record NameRule(string Type, string Property, int MinLength, int MaxLength, Regex Allowed, string AllowedText, string Source, bool Unique = true)
{
    public IEnumerable<string> Problems(string name)
    {
        if (name.Length < MinLength || name.Length > MaxLength)
        {
            yield return $"{name.Length} characters, allowed {MinLength} to {MaxLength}";
        }

        if (!Allowed.IsMatch(name))
        {
            yield return $"allowed: {AllowedText}";
        }
    }
}

/// <summary>The table: each rule once, with the document it comes from.</summary>
public static class NameRules
{
    private static Regex R(string pattern) => new(pattern, RegexOptions.CultureInvariant);

    // Step Functions: "must not contain whitespace, brackets < > { } [ ], wildcard characters ? *, special characters
    // " # % \ ^ | ~ ` $ & , ; : /, control characters".
    private const string StateMachineForbidden = @"^[^\s<>{}\[\]?*""#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]+$";

    public static IReadOnlyList<NameRule> All { get; } =
    [
        new("aws:iam/role:Role", "name", 1, 64, R(@"^[\w+=,.@-]+$"), "letters, digits and + = , . @ _ -", "IAM API Reference, CreateRole: RoleName"),
        new("aws:iam/rolePolicy:RolePolicy", "name", 1, 128, R(@"^[\w+=,.@-]+$"), "letters, digits and + = , . @ _ -", "IAM API Reference, PutRolePolicy: PolicyName", Unique: false),
        new("aws:iam/policy:Policy", "name", 1, 128, R(@"^[\w+=,.@-]+$"), "letters, digits and + = , . @ _ -", "IAM API Reference, CreatePolicy: PolicyName"),
        new("aws:lambda/function:Function", "name", 1, 64, R(@"^[a-zA-Z0-9_-]+$"), "letters, digits, - and _", "Lambda API Reference, CreateFunction: FunctionName (64 characters for a name)"),
        new("aws:lambda/alias:Alias", "name", 1, 128, R(@"^(?!^[0-9]+$)[a-zA-Z0-9_-]+$"), "letters, digits, - and _, not only digits", "Lambda API Reference, CreateAlias: Name", Unique: false),
        new("aws:cloudwatch/logGroup:LogGroup", "name", 1, 512, R(@"^[.\-_/#A-Za-z0-9]+$"), "letters, digits and . - _ / #", "CloudWatch Logs API Reference, CreateLogGroup: logGroupName"),
        new("aws:sqs/queue:Queue", "name", 1, 80, R(@"^[A-Za-z0-9_-]+(\.fifo)?$"), "letters, digits, - and _ (and .fifo at the end of a FIFO queue)", "SQS API Reference, CreateQueue: QueueName (80 characters including .fifo)"),
        new("aws:sns/topic:Topic", "name", 1, 256, R(@"^[A-Za-z0-9_-]+(\.fifo)?$"), "letters, digits, - and _ (and .fifo at the end of a FIFO topic)", "SNS API Reference, CreateTopic: Name"),
        new("aws:cloudwatch/metricAlarm:MetricAlarm", "name", 1, 255, R(@"^[^\u0000-\u001f]+$"), "printable characters", "CloudWatch API Reference, PutMetricAlarm: AlarmName"),
        new("aws:cloudwatch/compositeAlarm:CompositeAlarm", "alarmName", 1, 255, R(@"^[^\u0000-\u001f]+$"), "printable characters", "CloudWatch API Reference, PutCompositeAlarm: AlarmName"),
        new("aws:cloudwatch/dashboard:Dashboard", "dashboardName", 1, 255, R(@"^[A-Za-z0-9_-]+$"), "letters, digits, - and _", "CloudWatch API Reference, PutDashboard: DashboardName"),
        new("aws:cloudwatch/queryDefinition:QueryDefinition", "name", 1, 255, R(@"^[^\u0000-\u001f]+$"), "printable characters", "CloudWatch Logs API Reference, PutQueryDefinition: name", Unique: false),
        new("aws:cloudwatch/eventRule:EventRule", "name", 1, 64, R(@"^[.\-_A-Za-z0-9]+$"), "letters, digits and . - _", "EventBridge API Reference, PutRule: Name"),
        new("aws:scheduler/schedule:Schedule", "name", 1, 64, R(@"^[0-9a-zA-Z\-_.]+$"), "letters, digits and . - _", "EventBridge Scheduler API Reference, CreateSchedule: Name"),
        new("aws:wafv2/webAcl:WebAcl", "name", 1, 128, R(@"^[\w\-]+$"), "letters, digits, - and _", "WAF API Reference, CreateWebACL: Name"),
        new("aws:ssm/parameter:Parameter", "name", 1, 1011, R(@"^(/?[a-zA-Z0-9_.\-]+)(/[a-zA-Z0-9_.\-]+){0,14}$"), "letters, digits and _ . - /, at most 15 levels", "Systems Manager User Guide, parameter name requirements (1011 characters with the ARN; 15 hierarchy levels)"),
        new("aws:kms/alias:Alias", "name", 7, 256, R(@"^alias/(?!aws/)[a-zA-Z0-9/_-]+$"), "alias/ then letters, digits and / _ -, not alias/aws/", "KMS API Reference, CreateAlias: AliasName"),
        new("aws:dynamodb/table:Table", "name", 3, 255, R(@"^[a-zA-Z0-9_.-]+$"), "letters, digits and _ . -", "DynamoDB API Reference, CreateTable: TableName"),
        new("aws:sfn/stateMachine:StateMachine", "name", 1, 80, R(StateMachineForbidden), "no whitespace, brackets, wildcards or \" # % \\ ^ | ~ ` $ & , ; : /", "Step Functions API Reference, CreateStateMachine: name"),
        new("aws:appautoscaling/scheduledAction:ScheduledAction", "name", 1, 256, R(@"^(?! )[^\u0000-\u001f\u007f-\u009f:/|]+(?<! )$"), "no : / | or control characters, no leading or trailing space", "Application Auto Scaling API Reference, PutScheduledAction: ScheduledActionName", Unique: false),
        new("aws:appautoscaling/policy:Policy", "name", 1, 256, R(@"^[^\u0000-\u001f\u007f-\u009f:/|]+$"), "no : / | or control characters", "Application Auto Scaling API Reference, PutScalingPolicy: PolicyName", Unique: false),
        new("aws:budgets/budget:Budget", "name", 1, 100, R(@"^[^:\\]+$"), "no : or \\", "Budgets API Reference, Budget: BudgetName"),
        new("aws:costexplorer/anomalyMonitor:AnomalyMonitor", "name", 1, 1024, R(@"^[\S\s]+$"), "any characters", "Cost Explorer API Reference, AnomalyMonitor: MonitorName"),
        new("aws:costexplorer/anomalySubscription:AnomalySubscription", "name", 1, 1024, R(@"^[\S\s]+$"), "any characters", "Cost Explorer API Reference, AnomalySubscription: SubscriptionName"),
        new("aws:apigateway/apiKey:ApiKey", "name", 1, 1024, R(@"^[\S\s]+$"), "any characters", "API Gateway Developer Guide, usage plans and API keys: a key's name has at most 1024 characters", Unique: false),
        new("aws:ecr/repository:Repository", "name", 2, 256, R(@"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$"), "lower-case letters, digits and . _ - / between them", "ECR API Reference, CreateRepository: repositoryName"),
        new("aws:s3/bucket:Bucket", "bucket", 3, 63, R(@"^[a-z0-9][a-z0-9.-]*[a-z0-9]$"), "lower-case letters, digits, . and -, starting and ending with a letter or digit", "S3 User Guide, general purpose bucket naming rules"),
        new("aws:cloudtrail/trail:Trail", "name", 3, 128, R(@"^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$"), "letters, digits and . _ -, starting and ending with a letter or digit", "CloudTrail API Reference, CreateTrail: Name"),
        new("aws:elasticache/serverlessCache:ServerlessCache", "name", 1, 40, R(@"^[a-z][a-z0-9-]*$"), "lower-case letters, digits and -, starting with a letter", "ElastiCache API Reference, CreateServerlessCache: ServerlessCacheName"),
    ];

    public static NameRule? For(string type) => All.FirstOrDefault(r => r.Type == type);
}
