using Inference.Contracts;
using Infra.Aws.CloudWatch;
using Infra.Aws.DynamoDB;
using Infra.Aws.Iam;
using Infra.Aws.Kms;
using Infra.Aws.Lambda;
using Infra.Aws.S3;
using Infra.Aws.Sqs;
using Infra.Core;

namespace Infra.Components;

public sealed record BatchInferenceArgs
{
    /// <summary>The function that runs the batch handler; its environment gets the results and log settings.</summary>
    public required InferenceFunctionArgs Function { get; init; }

    /// <summary>The model the handler runs for every object (BATCH_MODEL_NAME).</summary>
    public required string ModelName { get; init; }

    /// <summary>The model's version (BATCH_MODEL_VERSION): a dimension of the function's metrics, and part of each record's key.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>Only objects under this prefix and with this suffix are processed.</summary>
    public string InputPrefix { get; init; } = "incoming/";

    public string InputSuffix { get; init; } = "";

    /// <summary>Records go to <c>{ResultsPrefix}{ModelName}/{ModelVersion}/{input key}.json</c>.</summary>
    public string ResultsPrefix { get; init; } = "results/";

    /// <summary>Messages per invocation, 1 to 10,000 (above 10 needs a batching window).</summary>
    public int BatchSize { get; init; } = 10;

    /// <summary>How long the event source gathers messages before invoking, whole seconds from 0 to 5 minutes.</summary>
    public TimeSpan BatchingWindow { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Concurrent invocations the queue may drive, 2 to 1,000.</summary>
    public int MaximumConcurrency { get; init; } = 5;

    /// <summary>Deliveries before a message moves to the dead-letter queue.</summary>
    public int MaxReceiveCount { get; init; } = 3;

    /// <summary>How long a prediction-log item lives before DynamoDB's TTL removes it, in whole days.</summary>
    public TimeSpan PredictionLogRetention { get; init; } = TimeSpan.FromDays(90);

    /// <summary>How long the oldest message may wait before the backlog alarm fires, in whole seconds.</summary>
    public TimeSpan OldestMessageAlarm { get; init; } = TimeSpan.FromSeconds(900);

    /// <summary>Where the queue alarms notify; the function's own alarms come from <see cref="InferenceMonitoring"/>.</summary>
    public required AlarmNotifications Notifications { get; init; }

    /// <summary>Protect the buckets, the key and the table from deletion.</summary>
    public bool Protect { get; init; }

    /// <summary>Move the queue's invocations to each new function version in steps (the alias's routing weights), rolling back on any alarm.</summary>
    public GradualRolloutArgs? Rollout { get; init; }

    /// <summary>
    /// Where the model runs: <see cref="BatchCompute.Lambda"/> (the default), or <see cref="AwsBatchCompute"/> for inputs
    /// beyond Lambda's 15 minutes or 10 GB. With AWS Batch, <see cref="Function"/> describes the job's model and variables
    /// (its image is <see cref="AwsBatchCompute.Image"/>), and no Lambda function, queue or event source mapping is made.
    /// </summary>
    public BatchCompute Compute { get; init; } = BatchCompute.Lambda;
}

/// <summary>
/// S3 upload → event notification → SQS (KMS, dead-letter queue) → Lambda (partial batch
/// failures) → results bucket, with a DynamoDB predictions log and backlog alarms. With
/// <see cref="AwsBatchCompute"/>: S3 upload → EventBridge → one AWS Batch job per input → the same records and log.
/// </summary>
public sealed class BatchInference : ComponentResource
{
    private readonly PredictionsLogReaders _predictionsReaders;

    public BatchInference(IScope scope, string name, BatchInferenceArgs args, ComponentResourceOptions? options = null)
        : base("ml:BatchInference", scope, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        _predictionsReaders = new PredictionsLogReaders(this);
        Validate(args);
        Settings = args;
        var data = new CustomResourceOptions { Protect = args.Protect ? true : null };

        Input = new EncryptedBucket(this, "input", new EncryptedBucketArgs { Protect = args.Protect, ForceDestroy = !args.Protect });
        Output = new EncryptedBucket(this, "output", new EncryptedBucketArgs { Protect = args.Protect, ForceDestroy = !args.Protect });

        // S3 must encrypt the notifications it sends to the queue: the key lets it, for this account only.
        Key = new Key(this, "key", new KeyArgs
        {
            Description = $"Encrypts the queues and the predictions log of batch pipeline {Path}",
            EnableKeyRotation = true,
            Policy = PolicyDocuments.Of(KeyPolicy(args.Compute)),
        }, data);
        var asyncEndpoint = (args.Compute as SageMakerAsyncCompute)?.Endpoint;
        if (args.Compute is AwsBatchCompute awsBatch)
        {
            DeadLetterQueue = new Queue(this, "dead-letters", new QueueArgs { KmsMasterKeyId = Key.Arn, MessageRetentionSeconds = 14 * 24 * 3600 });
            // EventBridge notifications carry every event of the bucket; the upload rule filters them as the S3 filter would.
            new BucketNotification(this, "notification", new BucketNotificationArgs { Bucket = Input.BucketName, Eventbridge = true });
            PredictionsLog = InferenceDataTables.PredictionsLog(this, "predictions", Key, data);
            var jobPlan = FunctionPlan.Of(RegistryPin.Apply(args.Function, args.ModelName, args.ModelVersion)).WithEnvironment(BatchEnvironment(args));
            Jobs = new AwsBatchJobs(this, args, awsBatch, jobPlan.Environment());
            QueueAlarm("dead-letters-visible", "Inputs that could not be recorded, or jobs that failed every attempt, are waiting in the dead-letter queue",
                DeadLetterQueue, "ApproximateNumberOfMessagesVisible", 0, args.Notifications);
            return;
        }

        DeadLetterQueue = new Queue(this, "dead-letters", new QueueArgs { KmsMasterKeyId = Key.Arn, MessageRetentionSeconds = 14 * 24 * 3600 });
        Queue = new Queue(this, "queue", new QueueArgs
        {
            KmsMasterKeyId = Key.Arn,
            // Lambda's guidance: at least six times the function timeout, so a message in flight is never redelivered.
            VisibilityTimeoutSeconds = 6 * (int)TimeUnit.Seconds.Count(args.Function.Timeout),
            MessageRetentionSeconds = 4 * 24 * 3600,
            RedrivePolicy = Infra.Core.Output.JsonSerialize(new Dictionary<string, object>
            {
                ["deadLetterTargetArn"] = DeadLetterQueue.Arn,
                ["maxReceiveCount"] = args.MaxReceiveCount,
            }),
        });
        var queuePolicy = new QueuePolicy(this, "queue-policy", new QueuePolicyArgs
        {
            QueueUrl = Queue.Url,
            Policy = PolicyDocuments.Of(new PolicyStatement
            {
                Sid = "InputBucketNotifies",
                Principals = [PolicyPrincipal.Service("s3.amazonaws.com")],
                Action = IamValues.One("sqs:SendMessage"),
                Resource = IamValues.One(Queue.Arn),
                Conditions =
                [
                    new PolicyCondition("ArnEquals", "aws:SourceArn", Input.BucketArn),
                    new PolicyCondition("StringEquals", "aws:SourceAccount", Aws.AwsContext.AccountId(Stack)),
                ],
            }),
        });
        var uploads = new BucketNotificationQueueArgs { QueueArn = Queue.Arn, Events = new[] { "s3:ObjectCreated:*" }, FilterPrefix = args.InputPrefix };
        if (args.InputSuffix.Length > 0)
        {
            uploads.FilterSuffix = args.InputSuffix;
        }

        new BucketNotification(this, "notification", new BucketNotificationArgs { Bucket = Input.BucketName, Queues = new[] { uploads } },
            new CustomResourceOptions { DependsOn = [queuePolicy] });

        PredictionsLog = InferenceDataTables.PredictionsLog(this, "predictions", Key, data);

        var environment = BatchEnvironment(args);
        if (asyncEndpoint is not null)
        {
            environment[FunctionEnvironment.AsyncEndpointName] = asyncEndpoint.EndpointName;
            environment[FunctionEnvironment.BatchDeadLetterQueueUrl] = DeadLetterQueue.Url;
        }

        var plan = FunctionPlan.Of(RegistryPin.Apply(args.Function, args.ModelName, args.ModelVersion))
            .WithRollout(args.Rollout)
            .WithEnvironment(environment);
        Function = new InferenceFunction(this, "function", plan);
        Input.GrantRead(Function, args.InputPrefix);
        Output.GrantWrite(Function, args.ResultsPrefix);
        if (asyncEndpoint is not null)
        {
            Endpoint = new AsyncEndpointLink(this, args, asyncEndpoint, Function);
        }

        var consume = new RolePolicy(this, "consume", new RolePolicyArgs
        {
            Role = Function.Role.RoleName,
            Policy = PolicyDocuments.Of(
                Endpoint is null
                    ? PolicyDocuments.Allow("ConsumeQueue", ConsumeActions, Queue.Arn)
                    : PolicyDocuments.Allow("ConsumeQueue", ConsumeActions, new InputList<string> { Queue.Arn, Endpoint.Notifications.Arn }),
                PolicyDocuments.Allow("LogPredictions", ["dynamodb:PutItem", "dynamodb:UpdateItem"], PredictionsLog.Arn),
                PolicyDocuments.Allow("UsePipelineKey", ["kms:Decrypt", "kms:GenerateDataKey"], Key.Arn)),
        });

        new EventSourceMapping(this, "trigger", new EventSourceMappingArgs
        {
            EventSourceArn = Queue.Arn,
            FunctionName = Function.AliasArn,
            BatchSize = args.BatchSize,
            MaximumBatchingWindowInSeconds = (int)TimeUnit.Seconds.Count(args.BatchingWindow),
            ScalingConfig = new EventSourceMappingScalingConfigArgs { MaximumConcurrency = args.MaximumConcurrency },
            FunctionResponseTypes = new[] { "ReportBatchItemFailures" },
        }, new CustomResourceOptions { DependsOn = [consume] });
        Endpoint?.ConnectCollector(consume);

        Monitoring = new InferenceMonitoring(this, "monitoring", new InferenceMonitoringArgs
        {
            Function = Function,
            Notifications = args.Notifications,
            ModelName = args.ModelName,
            ModelVersion = args.ModelVersion,
            // Batch latency is per object and not user-facing: alarm only when it nears the timeout.
            P95Duration = TimeSpan.FromMilliseconds(TimeUnit.Seconds.Count(args.Function.Timeout) * 800),
        });
        Rollout = RolloutPlan.Create(this, Function, Monitoring, args.Rollout);
        QueueAlarm("dead-letters-visible", "Inputs that failed every delivery are waiting in the dead-letter queue",
            DeadLetterQueue, "ApproximateNumberOfMessagesVisible", 0, args.Notifications);
        QueueAlarm("oldest-message-age", $"The oldest input has waited more than {TimeUnit.Seconds.Count(args.OldestMessageAlarm)} s",
            Queue, "ApproximateAgeOfOldestMessage", (int)TimeUnit.Seconds.Count(args.OldestMessageAlarm), args.Notifications);
    }

    private static readonly string[] ConsumeActions = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"];

    /// <summary>The args it was built from: local mode's batch pipeline takes its filter, batching and retries from them.</summary>
    public BatchInferenceArgs Settings { get; }

    public EncryptedBucket Input { get; }

    public EncryptedBucket Output { get; }

    public Key Key { get; }

    /// <summary>The queue S3 notifies and the function consumes; null with <see cref="AwsBatchCompute"/>.</summary>
    public Queue? Queue { get; }

    public Queue DeadLetterQueue { get; }

    public Table PredictionsLog { get; }

    /// <summary>
    /// Lets the grantee read the predictions log (its items and indexes, and the key that decrypts them), as
    /// <c>grant-read-predictions-{grantee}</c>; asking again for the same grantee returns that policy.
    /// </summary>
    public RolePolicy GrantReadPredictions(IGrantable grantee) => _predictionsReaders.Grant(grantee, PredictionsLog, Key);

    /// <summary>The Lambda function that runs the batch handler; null with <see cref="AwsBatchCompute"/>.</summary>
    public InferenceFunction? Function { get; }

    /// <summary>The function's error-rate, latency, throttle and cold-start alarms, and the dashboard; null with <see cref="AwsBatchCompute"/>.</summary>
    public InferenceMonitoring? Monitoring { get; }

    /// <summary>The notifications queue, subscriptions and grants that tie in a <see cref="SageMakerAsyncCompute"/> endpoint; null otherwise.</summary>
    public AsyncEndpointLink? Endpoint { get; }

    /// <summary>The compute environment, job queue, job definition, roles and rules of <see cref="AwsBatchCompute"/>; null on Lambda.</summary>
    public AwsBatchJobs? Jobs { get; }

    /// <summary>The gradual rollout of new versions, when <see cref="BatchInferenceArgs.Rollout"/> is set.</summary>
    public GradualRollout? Rollout { get; }

    /// <summary>What the batch handler needs on top of the function's own variables, on either compute.</summary>
    private Dictionary<string, Input<string>> BatchEnvironment(BatchInferenceArgs args) => new()
    {
        [FunctionEnvironment.ResultsBucket] = Output.BucketName,
        [FunctionEnvironment.ResultsPrefix] = args.ResultsPrefix,
        [FunctionEnvironment.BatchModelName] = args.ModelName,
        [FunctionEnvironment.BatchModelVersion] = args.ModelVersion,
        [FunctionEnvironment.PredictionsTable] = PredictionsLog.TableName,
        [FunctionEnvironment.PredictionsTtlDays] = TimeUnit.Days.Count(args.PredictionLogRetention).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The account administers the key and S3 encrypts its notifications with it; with AWS Batch, EventBridge encrypts
    /// the dead letters its rules send, and CloudWatch Logs the job's log group.
    /// </summary>
    private PolicyStatement[] KeyPolicy(BatchCompute compute)
    {
        var statements = new List<PolicyStatement>
        {
            PolicyDocuments.AccountAdministersKey(Stack),
            new()
            {
                Sid = "S3SendsNotifications",
                Principals = [PolicyPrincipal.Service("s3.amazonaws.com")],
                Action = IamValues.List(["kms:GenerateDataKey", "kms:Decrypt"]),
                Resource = IamValues.One("*"),
                Conditions = [new PolicyCondition("StringEquals", "aws:SourceAccount", Aws.AwsContext.AccountId(Stack))],
            },
        };
        if (compute is AwsBatchCompute)
        {
            statements.Add(new PolicyStatement
            {
                Sid = "EventBridgeSendsDeadLetters",
                Principals = [PolicyPrincipal.Service("events.amazonaws.com")],
                Action = IamValues.List(["kms:GenerateDataKey", "kms:Decrypt"]),
                Resource = IamValues.One("*"),
                Conditions = [new PolicyCondition("StringEquals", "aws:SourceAccount", Aws.AwsContext.AccountId(Stack))],
            });
            statements.Add(PolicyDocuments.CloudWatchLogsUseKey(Stack));
        }

        if (compute is SageMakerAsyncCompute { Endpoint: { SuccessTopic: { } success, ErrorTopic: { } error } })
        {
            // SNS encrypts what it delivers to the notifications queue with the queue's key: only for the endpoint's two topics.
            statements.Add(new PolicyStatement
            {
                Sid = "EndpointTopicsDeliverNotifications",
                Principals = [PolicyPrincipal.Service("sns.amazonaws.com")],
                Action = IamValues.List(["kms:GenerateDataKey", "kms:Decrypt"]),
                Resource = IamValues.One("*"),
                Conditions = [new PolicyCondition("ArnEquals", "aws:SourceArn", IamValues.List(new InputList<string> { success.Arn, error.Arn }))],
            });
        }

        return [.. statements];
    }

    private void QueueAlarm(string name, string description, Queue queue, string metric, double threshold, AlarmNotifications notifications) =>
        new MetricAlarm(this, name, new MetricAlarmArgs
        {
            AlarmDescription = $"{description} ({Path}, {Stack.StackName})",
            Namespace = "AWS/SQS",
            MetricName = metric,
            Dimensions = new InputMap<string> { ["QueueName"] = queue.QueueName },
            Statistic = "Maximum",
            Period = 60,
            EvaluationPeriods = 1,
            Threshold = threshold,
            ComparisonOperator = "GreaterThanThreshold",
            TreatMissingData = "notBreaching",
            AlarmActions = new[] { (Input<string>)notifications.TopicArn },
            OkActions = new[] { (Input<string>)notifications.TopicArn },
        });

    private void Validate(BatchInferenceArgs args)
    {
        RolloutPlan.Validate(new ArgsValidation(Path), args.Rollout, args.Function, stageCanary: false)
            .Range(nameof(args.BatchSize), args.BatchSize, 1, 10_000)
            .Check(args.BatchSize <= 10 || args.BatchingWindow >= TimeSpan.FromSeconds(1), nameof(args.BatchingWindow), args.BatchingWindow, "at least 1 second when BatchSize is above 10 (SQS requires a batching window then)")
            .Duration(nameof(args.BatchingWindow), args.BatchingWindow, TimeUnit.Seconds, 0, 300)
            .Range(nameof(args.MaximumConcurrency), args.MaximumConcurrency, 2, 1000)
            .Range(nameof(args.MaxReceiveCount), args.MaxReceiveCount, 1, 1000)
            .Duration(nameof(args.PredictionLogRetention), args.PredictionLogRetention, TimeUnit.Days, 1, 3650)
            .Duration(nameof(args.OldestMessageAlarm), args.OldestMessageAlarm, TimeUnit.Seconds, 60, 1_209_600)
            // The queue's visibility timeout is 6× the function timeout and SQS allows at most 12 hours.
            .Check(args.Function.Timeout <= TimeSpan.FromSeconds(7200), "Function.Timeout", args.Function.Timeout, "at most 7200 s, since the queue's visibility timeout is six times it (SQS allows 12 hours)")
            .Check(args.ModelName.Length > 0, nameof(args.ModelName), args.ModelName, "the name of a model the function serves")
            .CheckPin(args.Function, args.ModelName, args.ModelVersion)
            .Check(args.InputPrefix != args.ResultsPrefix, nameof(args.ResultsPrefix), args.ResultsPrefix, "a prefix other than InputPrefix")
            .AwsBatch(args)
            .SageMakerAsync(args)
            .ThrowIfInvalid();
    }
}
