using System.Globalization;
using Inference.Contracts;
using Infra.Aws.Batch;
using Infra.Aws.CloudWatch;
using Infra.Aws.Iam;
using Infra.Aws.Sqs;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// The AWS Batch side of <see cref="BatchInference"/>: a compute environment that scales to zero, a job queue, a job
/// definition running the function's image in its batch-job mode, the job's roles and encrypted log group, an EventBridge
/// rule that submits one job per new input, and the rules that bring a failed submission or a failed job to the
/// pipeline's dead-letter queue with the reason.
/// </summary>
public sealed class AwsBatchJobs
{
    /// <summary>Where the job's container reads its input from: the Batch parameter substituted into its command.</summary>
    public const string InputParameter = "input";

    internal AwsBatchJobs(BatchInference owner, BatchInferenceArgs args, AwsBatchCompute compute, IReadOnlyDictionary<string, Input<string>> environment)
    {
        var fargate = compute.Capacity is AwsBatchCapacity.Fargate or AwsBatchCapacity.FargateSpot;
        Compute = compute;
        Environment = environment;
        LogGroup = new LogGroup(owner, "job-logs", new LogGroupArgs { RetentionInDays = (int)compute.LogRetention.TotalDays, KmsKeyId = owner.Key.Arn });

        JobRole = new Role(owner, "job-role", new RoleArgs
        {
            Description = $"Role of the AWS Batch jobs of batch pipeline {owner.Path}",
            AssumeRolePolicy = PolicyDocuments.AssumedBy("ecs-tasks.amazonaws.com"),
        });
        owner.Input.GrantRead(JobRole, args.InputPrefix);
        owner.Output.GrantWrite(JobRole, args.ResultsPrefix);
        new RolePolicy(owner, "job-policy", new RolePolicyArgs
        {
            Role = JobRole.RoleName,
            Policy = PolicyDocuments.Of(
                // A job over a prefix lists it; the condition keeps the listing inside the input prefix.
                new PolicyStatement
                {
                    Sid = "ListInputPrefix",
                    Action = IamValues.One("s3:ListBucket"),
                    Resource = IamValues.One(owner.Input.BucketArn),
                    Conditions = [new PolicyCondition("StringLike", "s3:prefix", $"{args.InputPrefix}*")],
                },
                PolicyDocuments.Allow("LogPredictions", ["dynamodb:PutItem", "dynamodb:UpdateItem"], owner.PredictionsLog.Arn),
                PolicyDocuments.Allow("DeadLetterInputs", ["sqs:SendMessage"], owner.DeadLetterQueue.Arn),
                PolicyDocuments.Allow("UsePipelineKey", ["kms:Decrypt", "kms:GenerateDataKey"], owner.Key.Arn)),
        });

        // The execution role is the container agent's: it pulls the image and writes the job's log stream.
        ExecutionRole = new Role(owner, "job-execution-role", new RoleArgs
        {
            Description = $"Pulls the image and writes the logs of the AWS Batch jobs of {owner.Path}",
            AssumeRolePolicy = PolicyDocuments.AssumedBy("ecs-tasks.amazonaws.com"),
        });
        new RolePolicyAttachment(owner, "job-execution-policy", new RolePolicyAttachmentArgs
        {
            Role = ExecutionRole.RoleName,
            PolicyArn = Output.Format($"arn:{Aws.AwsContext.Partition(owner.Stack)}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"),
        });

        ComputeEnvironment = new ComputeEnvironment(owner, "compute", new ComputeEnvironmentArgs
        {
            // No service role: Batch then uses its service-linked role (AWSServiceRoleForBatch), as AWS recommends.
            Type = "MANAGED",
            ComputeResources = fargate ? FargateResources(compute) : Ec2Resources(owner, compute),
        });
        JobQueue = new JobQueue(owner, "job-queue", new JobQueueArgs
        {
            Priority = 1,
            State = "ENABLED",
            ComputeEnvironmentOrders = new[] { new JobQueueComputeEnvironmentOrderArgs { ComputeEnvironment = ComputeEnvironment.Arn, Order = 1 } },
        });
        JobDefinition = new JobDefinition(owner, "job-definition", new JobDefinitionArgs
        {
            Type = "container",
            PlatformCapabilities = new[] { fargate ? "FARGATE" : "EC2" },
            PropagateTags = true,
            RetryStrategy = new JobDefinitionRetryStrategyArgs { Attempts = compute.JobAttempts },
            Timeout = new JobDefinitionTimeoutArgs { AttemptDurationSeconds = (int)TimeUnit.Seconds.Count(compute.JobTimeout) },
            ContainerProperties = ContainerProperties(owner, compute, fargate, environment),
        });

        SubmitRole = new Role(owner, "submit-role", new RoleArgs
        {
            Description = $"Lets EventBridge submit the AWS Batch jobs of {owner.Path}",
            AssumeRolePolicy = PolicyDocuments.AssumedBy("events.amazonaws.com"),
        });
        var submit = new RolePolicy(owner, "submit-policy", new RolePolicyArgs
        {
            Role = SubmitRole.RoleName,
            Policy = PolicyDocuments.Of(PolicyDocuments.Allow("SubmitJobs", ["batch:SubmitJob"], new InputList<string> { JobQueue.Arn, JobDefinition.Arn })),
        });

        UploadRule = new EventRule(owner, "uploads", new EventRuleArgs
        {
            Description = $"New inputs of {owner.Path}: one AWS Batch job each",
            EventPattern = Output.JsonSerialize(new Dictionary<string, object>
            {
                ["source"] = new[] { "aws.s3" },
                ["detail-type"] = new[] { "Object Created" },
                ["detail"] = new Dictionary<string, object>
                {
                    ["bucket"] = new Dictionary<string, object> { ["name"] = new object[] { owner.Input.BucketName } },
                    ["object"] = new Dictionary<string, object> { ["key"] = new[] { KeyFilter(args.InputPrefix, args.InputSuffix) } },
                },
            }),
        });
        new EventTarget(owner, "submit-job", new EventTargetArgs
        {
            Rule = UploadRule.EventRuleName,
            Arn = JobQueue.Arn,
            RoleArn = SubmitRole.Arn,
            BatchTarget = new EventTargetBatchTargetArgs { JobDefinition = JobDefinition.Arn, JobName = "inference" },
            // The job's one argument (the Lambda image's entrypoint takes exactly one): the object, as a Batch parameter.
            InputTransformer = new EventTargetInputTransformerArgs
            {
                InputPaths = new InputMap<string> { ["bucket"] = "$.detail.bucket.name", ["key"] = "$.detail.object.key" },
                InputTemplate = $$$"""{"Parameters":{"{{{InputParameter}}}":"s3://<bucket>/<key>"}}""",
            },
            // A submission EventBridge cannot make (throttled, refused) is retried for a day, then dead-lettered with
            // the error code and message as message attributes.
            RetryPolicy = new EventTargetRetryPolicyArgs { MaximumEventAgeInSeconds = 86_400, MaximumRetryAttempts = 185 },
            DeadLetterConfig = new EventTargetDeadLetterConfigArgs { Arn = owner.DeadLetterQueue.Arn },
        }, new CustomResourceOptions { DependsOn = [submit] });

        // Batch emits FAILED once a job has failed every attempt: the job, its input and the reason go to the dead letters.
        FailedJobRule = new EventRule(owner, "failed-jobs", new EventRuleArgs
        {
            Description = $"AWS Batch jobs of {owner.Path} that failed every attempt",
            EventPattern = Output.JsonSerialize(new Dictionary<string, object>
            {
                ["source"] = new[] { "aws.batch" },
                ["detail-type"] = new[] { "Batch Job State Change" },
                ["detail"] = new Dictionary<string, object> { ["status"] = new[] { "FAILED" }, ["jobQueue"] = new object[] { JobQueue.Arn } },
            }),
        });
        new EventTarget(owner, "dead-letter-failed-job", new EventTargetArgs
        {
            Rule = FailedJobRule.EventRuleName,
            Arn = owner.DeadLetterQueue.Arn,
            InputTransformer = new EventTargetInputTransformerArgs
            {
                InputPaths = new InputMap<string>
                {
                    ["jobId"] = "$.detail.jobId",
                    ["input"] = $"$.detail.parameters.{InputParameter}",
                    ["reason"] = "$.detail.statusReason",
                },
                InputTemplate = """{"failedJob":<jobId>,"input":<input>,"reason":<reason>}""",
            },
            RetryPolicy = new EventTargetRetryPolicyArgs { MaximumEventAgeInSeconds = 86_400, MaximumRetryAttempts = 185 },
        });

        new QueuePolicy(owner, "dead-letters-policy", new QueuePolicyArgs
        {
            QueueUrl = owner.DeadLetterQueue.Url,
            Policy = PolicyDocuments.Of(new PolicyStatement
            {
                Sid = "RulesDeadLetter",
                Principals = [PolicyPrincipal.Service("events.amazonaws.com")],
                Action = IamValues.One("sqs:SendMessage"),
                Resource = IamValues.One(owner.DeadLetterQueue.Arn),
                Conditions = [new PolicyCondition("ArnEquals", "aws:SourceArn", IamValues.List(new Input<string>[] { UploadRule.Arn, FailedJobRule.Arn }))],
            }),
        });
    }

    /// <summary>The settings it was built from.</summary>
    public AwsBatchCompute Compute { get; }

    /// <summary>The function's variables in the job definition, before the job-mode ones (serve's local job runner sets its own).</summary>
    public IReadOnlyDictionary<string, Input<string>> Environment { get; }

    public LogGroup LogGroup { get; }

    public Role JobRole { get; }

    public Role ExecutionRole { get; }

    public Role SubmitRole { get; }

    public ComputeEnvironment ComputeEnvironment { get; }

    public JobQueue JobQueue { get; }

    public JobDefinition JobDefinition { get; }

    public EventRule UploadRule { get; }

    public EventRule FailedJobRule { get; }

    /// <summary>The S3 notification filter as an EventBridge key pattern: a prefix, or a wildcard when a suffix is set too.</summary>
    public static Dictionary<string, object> KeyFilter(string prefix, string suffix) => suffix.Length == 0
        ? new Dictionary<string, object> { ["prefix"] = prefix }
        : new Dictionary<string, object> { ["wildcard"] = $"{EscapeWildcard(prefix)}*{EscapeWildcard(suffix)}" };

    // In a wildcard pattern '*' matches anything; a literal '*' or '\' is escaped with '\'.
    private static string EscapeWildcard(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("*", "\\*", StringComparison.Ordinal);

    private static ComputeEnvironmentComputeResourcesArgs FargateResources(AwsBatchCompute compute) => new()
    {
        // Fargate takes no instance types, roles or minimum: it runs nothing, and costs nothing, without jobs.
        Type = compute.Capacity == AwsBatchCapacity.FargateSpot ? "FARGATE_SPOT" : "FARGATE",
        MaxVcpus = compute.MaxVcpus,
        Subnets = InputList<string>.From(compute.SubnetIds),
        SecurityGroupIds = InputList<string>.From(compute.SecurityGroupIds),
    };

    private static ComputeEnvironmentComputeResourcesArgs Ec2Resources(BatchInference owner, AwsBatchCompute compute)
    {
        // The ECS agent on each instance runs as the instance role, given to EC2 through an instance profile.
        var instanceRole = new Role(owner, "instance-role", new RoleArgs
        {
            Description = $"Instances of the AWS Batch compute environment of {owner.Path}",
            AssumeRolePolicy = PolicyDocuments.AssumedBy("ec2.amazonaws.com"),
        });
        new RolePolicyAttachment(owner, "instance-policy", new RolePolicyAttachmentArgs
        {
            Role = instanceRole.RoleName,
            PolicyArn = Output.Format($"arn:{Aws.AwsContext.Partition(owner.Stack)}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"),
        });
        var profile = new InstanceProfile(owner, "instance-profile", new InstanceProfileArgs { Role = instanceRole.RoleName });
        var spot = compute.Capacity == AwsBatchCapacity.Ec2Spot;
        var resources = new ComputeEnvironmentComputeResourcesArgs
        {
            Type = spot ? "SPOT" : "EC2",
            // Spot: the price-capacity-optimized strategy needs no Spot Fleet role and avoids pools likely to be interrupted.
            AllocationStrategy = spot ? "SPOT_PRICE_CAPACITY_OPTIMIZED" : "BEST_FIT_PROGRESSIVE",
            MinVcpus = 0,
            MaxVcpus = compute.MaxVcpus,
            InstanceTypes = InputList<string>.From(compute.InstanceTypes.Select(t => (Input<string>)t)),
            InstanceRole = profile.Arn,
            Subnets = InputList<string>.From(compute.SubnetIds),
            SecurityGroupIds = InputList<string>.From(compute.SecurityGroupIds),
        };
        if (compute.Gpus > 0)
        {
            // GPU jobs need the NVIDIA driver and container toolkit: the ECS GPU AMI on Amazon Linux 2023.
            resources.Ec2Configurations = new[] { new ComputeEnvironmentComputeResourcesEc2ConfigurationArgs { ImageType = "ECS_AL2023_NVIDIA" } };
        }

        return resources;
    }

    private Output<string> ContainerProperties(BatchInference owner, AwsBatchCompute compute, bool fargate, IReadOnlyDictionary<string, Input<string>> environment)
    {
        var variables = environment
            .Append(new(FunctionEnvironment.BatchJobMode, "1"))
            .Append(new(FunctionEnvironment.BatchDeadLetterQueueUrl, owner.DeadLetterQueue.Url))
            .Append(new(FunctionEnvironment.BatchJobAttempts, owner.Settings.MaxReceiveCount.ToString(CultureInfo.InvariantCulture)))
            // The Lambda base image's entrypoint starts the runtime interface emulator unless this is set; the job mode
            // never calls a Runtime API.
            .Append(new("AWS_LAMBDA_RUNTIME_API", "none"))
            .Select(v => new Dictionary<string, object> { ["name"] = v.Key, ["value"] = v.Value })
            .ToArray();
        var resources = new List<Dictionary<string, object>>
        {
            new() { ["type"] = "VCPU", ["value"] = compute.Vcpus.ToString(CultureInfo.InvariantCulture) },
            new() { ["type"] = "MEMORY", ["value"] = ((long)compute.Memory.Mebibytes).ToString(CultureInfo.InvariantCulture) },
        };
        if (compute.Gpus > 0)
        {
            resources.Add(new() { ["type"] = "GPU", ["value"] = compute.Gpus.ToString(CultureInfo.InvariantCulture) });
        }

        var properties = new Dictionary<string, object>
        {
            ["image"] = compute.Image,
            ["command"] = new[] { $"Ref::{InputParameter}" },
            ["jobRoleArn"] = JobRole.Arn,
            ["executionRoleArn"] = ExecutionRole.Arn,
            ["resourceRequirements"] = resources,
            ["environment"] = variables,
            ["logConfiguration"] = new Dictionary<string, object>
            {
                ["logDriver"] = "awslogs",
                ["options"] = new Dictionary<string, object> { ["awslogs-group"] = LogGroup.LogGroupName, ["awslogs-stream-prefix"] = "job" },
            },
        };
        if (fargate)
        {
            properties["fargatePlatformConfiguration"] = new Dictionary<string, object> { ["platformVersion"] = "LATEST" };
            properties["networkConfiguration"] = new Dictionary<string, object> { ["assignPublicIp"] = "DISABLED" };
        }

        return Output.JsonSerialize(properties);
    }
}
