using Inference.Contracts;
using Infra.Aws.Iam;
using Infra.Aws.Lambda;
using Infra.Aws.Sns;
using Infra.Aws.Sqs;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// What ties a <see cref="BatchInference"/> to its <see cref="SageMakerAsyncCompute"/> endpoint: the function may
/// InvokeEndpointAsync on that endpoint only; the endpoint's role may read the input prefix (and decrypt with the input
/// bucket's key), since SageMaker reads each input from where it was uploaded; the endpoint's success and error topics
/// deliver to a KMS-encrypted notifications queue (its policy admits exactly those two topics), which redrives to the
/// pipeline's dead-letter queue and drives the same function as a collector, which may read the endpoint's output and
/// failure prefixes and send to the dead-letter queue.
/// </summary>
public sealed class AsyncEndpointLink
{
    private readonly BatchInference _owner;
    private readonly BatchInferenceArgs _args;
    private readonly InferenceFunction _function;

    internal AsyncEndpointLink(BatchInference owner, BatchInferenceArgs args, GpuInferenceEndpoint endpoint, InferenceFunction function)
    {
        _owner = owner;
        _args = args;
        _function = function;
        Endpoint = endpoint;
        var asynchronous = endpoint.Settings.Asynchronous!;
        var bucket = endpoint.AsyncBucket!;
        var topics = new InputList<string> { endpoint.SuccessTopic!.Arn, endpoint.ErrorTopic!.Arn };

        InvokeGrant = endpoint.GrantInvokeAsync(function);
        InputGrant = owner.Input.GrantRead(endpoint.Role, args.InputPrefix);

        Notifications = new Queue(owner, "notifications", new QueueArgs
        {
            KmsMasterKeyId = owner.Key.Arn,
            VisibilityTimeoutSeconds = 6 * (int)TimeUnit.Seconds.Count(args.Function.Timeout),
            MessageRetentionSeconds = 4 * 24 * 3600,
            RedrivePolicy = Output.JsonSerialize(new Dictionary<string, object>
            {
                ["deadLetterTargetArn"] = owner.DeadLetterQueue.Arn,
                ["maxReceiveCount"] = args.MaxReceiveCount,
            }),
        });
        QueuePolicy = new QueuePolicy(owner, "notifications-policy", new QueuePolicyArgs
        {
            QueueUrl = Notifications.Url,
            Policy = PolicyDocuments.Of(new PolicyStatement
            {
                Sid = "EndpointTopicsNotify",
                Principals = [PolicyPrincipal.Service("sns.amazonaws.com")],
                Action = IamValues.One("sqs:SendMessage"),
                Resource = IamValues.One(Notifications.Arn),
                Conditions = [new PolicyCondition("ArnEquals", "aws:SourceArn", IamValues.List(topics))],
            }),
        });
        // Raw delivery: the queue receives SageMaker's JSON itself rather than SNS's envelope (the collector reads both).
        foreach (var (name, topic) in new[] { ("success", endpoint.SuccessTopic), ("error", endpoint.ErrorTopic) })
        {
            new TopicSubscription(owner, $"{name}-subscription", new TopicSubscriptionArgs
            {
                Topic = topic.Arn,
                Protocol = "sqs",
                Endpoint = Notifications.Arn,
                RawMessageDelivery = true,
            }, new CustomResourceOptions { DependsOn = [QueuePolicy] });
        }

        CollectGrant = new RolePolicy(owner, "collect", new RolePolicyArgs
        {
            Role = function.Role.RoleName,
            Policy = PolicyDocuments.Of(
                PolicyDocuments.Allow("ReadEndpointResults", ["s3:GetObject"], new InputList<string>
                {
                    Output.Format($"{bucket.BucketArn}/{asynchronous.OutputPrefix}*"),
                    Output.Format($"{bucket.BucketArn}/{asynchronous.FailurePrefix}*"),
                }),
                PolicyDocuments.Allow("DecryptEndpointResults", ["kms:Decrypt"], bucket.KeyArn),
                PolicyDocuments.Allow("DeadLetterFailures", ["sqs:SendMessage"], owner.DeadLetterQueue.Arn)),
        });
    }

    public GpuInferenceEndpoint Endpoint { get; }

    /// <summary>The queue the endpoint's success and error topics deliver to; the collector consumes it.</summary>
    public Queue Notifications { get; }

    public QueuePolicy QueuePolicy { get; }

    public RolePolicy InvokeGrant { get; }

    public RolePolicy InputGrant { get; }

    public RolePolicy CollectGrant { get; }

    /// <summary>The collector's event source mapping (partial batch failures, like the uploads').</summary>
    public EventSourceMapping? Collector { get; private set; }

    internal void ConnectCollector(RolePolicy consume) =>
        Collector = new EventSourceMapping(_owner, "collect-trigger", new EventSourceMappingArgs
        {
            EventSourceArn = Notifications.Arn,
            FunctionName = _function.AliasArn,
            BatchSize = _args.BatchSize,
            MaximumBatchingWindowInSeconds = (int)TimeUnit.Seconds.Count(_args.BatchingWindow),
            ScalingConfig = new EventSourceMappingScalingConfigArgs { MaximumConcurrency = _args.MaximumConcurrency },
            FunctionResponseTypes = new[] { "ReportBatchItemFailures" },
        }, new CustomResourceOptions { DependsOn = [consume, CollectGrant] });
}
