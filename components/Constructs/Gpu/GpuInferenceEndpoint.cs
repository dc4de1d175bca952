using Infra.Aws;
using Infra.Aws.CloudWatch;
using Infra.Aws.Iam;
using Infra.Aws.Kms;
using Infra.Aws.SageMaker;
using Infra.Aws.Sns;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// A SageMaker model, endpoint configuration and endpoint on GPU instances running the server-mode container: a
/// least-privilege execution role, KMS for the storage volume (where the instance type takes one), data capture and
/// asynchronous results; Application Auto Scaling on invocations per instance (or on the backlog, down to zero, when
/// asynchronous) with an optional schedule; alarms on 5xx, model errors, latency and GPU/CPU utilization, a dashboard;
/// and SageMaker's blue/green deployment with automatic rollback for new models.
/// </summary>
public sealed class GpuInferenceEndpoint : ComponentResource, IInvocableEndpoint
{
    /// <summary>The one production variant. Blue/green deployments require the same variant name in the old and new configuration.</summary>
    public const string VariantName = "AllTraffic";

    public const string ExecutionProviderVariable = "INFERENCE_EXECUTION_PROVIDER";

    /// <summary>SageMaker API Reference, CreateEndpoint: EndpointName, up to 63 letters, digits and '-'.</summary>
    private static readonly PhysicalNameRule EndpointNameRule = PhysicalNameRule.Of(63, "-");

    private readonly GrantsByName<RolePolicy> _invokeGrants;

    public GpuInferenceEndpoint(IScope scope, string name, GpuInferenceEndpointArgs args, ComponentResourceOptions? options = null)
        : base("ml:GpuInferenceEndpoint", scope, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var instanceType = Validate(args);
        Settings = args;
        _invokeGrants = new GrantsByName<RolePolicy>(this);
        var partition = AwsContext.Partition(Stack);
        var region = AwsContext.Region(Stack);
        var account = AwsContext.AccountId(Stack);

        // A fixed name, so that the execution role's log permissions name exactly this endpoint's log group (the role must
        // exist before the endpoint) and callers' grants name exactly its ARN. SageMaker's ARNs carry the name in lower case.
        PhysicalEndpointName = PhysicalName.Join(EndpointNameRule, "", '-', Stack.ProjectName, Stack.StackName, Path.Replace('/', '-')).ToLowerInvariant();

        Key = new Key(this, "key", new KeyArgs
        {
            Description = $"Encrypts the storage volumes and notifications of SageMaker endpoint {Path}",
            EnableKeyRotation = true,
            Policy = PolicyDocuments.Of(PolicyDocuments.AccountAdministersKey(Stack)),
        });

        Role = new Role(this, "role", new RoleArgs
        {
            Description = $"Execution role of SageMaker endpoint {Path}",
            AssumeRolePolicy = PolicyDocuments.AssumedBy("sagemaker.amazonaws.com"),
        });

        var statements = new List<PolicyStatement>
        {
            PolicyDocuments.Allow("PullImage", ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], args.Image.RepositoryArn),
            // GetAuthorizationToken takes no resource (Service Authorization Reference, Amazon ECR).
            PolicyDocuments.Allow("RegistryToken", ["ecr:GetAuthorizationToken"], "*"),
            PolicyDocuments.Allow("WriteLogs", ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], new InputList<string>
            {
                Output.Format($"arn:{partition}:logs:{region}:{account}:log-group:/aws/sagemaker/Endpoints/{PhysicalEndpointName}"),
                Output.Format($"arn:{partition}:logs:{region}:{account}:log-group:/aws/sagemaker/Endpoints/{PhysicalEndpointName}:*"),
            }),
            // The instance agent publishes the endpoint's instance metrics with the role; PutMetricData takes no resource.
            PolicyDocuments.Allow("PublishMetrics", ["cloudwatch:PutMetricData"], "*"),
        };

        if (args.ModelData is { } model)
        {
            statements.Add(PolicyDocuments.Allow("ReadModel", ["s3:GetObject"], Output.Format($"{model.Bucket.BucketArn}/{model.Key}")));
            statements.Add(PolicyDocuments.Allow("DecryptModel", ["kms:Decrypt"], model.Bucket.KeyArn));
        }

        var encryptsVolume = !instanceType.HasLocalStorage;
        if (encryptsVolume)
        {
            // The volume is an EBS volume SageMaker creates for the role's endpoint: a grant for that AWS resource only.
            statements.Add(new PolicyStatement
            {
                Sid = "EncryptVolume",
                Action = IamValues.List(["kms:CreateGrant"]),
                Resource = IamValues.One(Key.Arn),
                Conditions = [new PolicyCondition("Bool", "kms:GrantIsForAWSResource", "true")],
            });
            statements.Add(PolicyDocuments.Allow("UseVolumeKey", ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext"], Key.Arn));
        }

        if (args.Network is not null)
        {
            // SageMaker developer guide, "Give SageMaker AI hosted endpoints access to resources in your Amazon VPC".
            statements.Add(PolicyDocuments.Allow("ManageNetworkInterfaces",
            [
                "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission",
                "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
            ], "*"));
        }

        EndpointConfigurationDataCaptureConfigArgs? dataCapture = null;
        if (args.DataCapture is { } capture)
        {
            CaptureBucket = capture.Bucket ?? new EncryptedBucket(this, "captures");
            statements.Add(PolicyDocuments.Allow("WriteCaptures", ["s3:PutObject"], Output.Format($"{CaptureBucket.BucketArn}/{capture.Prefix}*")));
            statements.Add(PolicyDocuments.Allow("EncryptCaptures", ["kms:GenerateDataKey", "kms:Decrypt"], CaptureBucket.KeyArn));
            var modes = new List<string>();
            if (capture.CaptureInput)
            {
                modes.Add("Input");
            }

            if (capture.CaptureOutput)
            {
                modes.Add("Output");
            }

            dataCapture = new EndpointConfigurationDataCaptureConfigArgs
            {
                EnableCapture = true,
                InitialSamplingPercentage = capture.SamplingPercent,
                DestinationS3Uri = Output.Format($"s3://{CaptureBucket.BucketName}/{capture.Prefix.TrimEnd('/')}"),
                KmsKeyId = CaptureBucket.KeyArn,
                CaptureOptions = modes.Select(mode => new EndpointConfigurationDataCaptureConfigCaptureOptionArgs { CaptureMode = mode }).ToArray(),
            };
        }

        EndpointConfigurationAsyncInferenceConfigArgs? asyncConfig = null;
        if (args.Asynchronous is { } asynchronous)
        {
            AsyncBucket = asynchronous.Bucket ?? new EncryptedBucket(this, "async");
            var successTopic = SuccessTopic = new Topic(this, "success-topic", new TopicArgs { KmsMasterKeyId = Key.Arn });
            var errorTopic = ErrorTopic = new Topic(this, "error-topic", new TopicArgs { KmsMasterKeyId = Key.Arn });
            statements.Add(PolicyDocuments.Allow("ReadInputs", ["s3:GetObject"], Output.Format($"{AsyncBucket.BucketArn}/{asynchronous.InputPrefix}*")));
            statements.Add(PolicyDocuments.Allow("WriteResults", ["s3:PutObject", "s3:AbortMultipartUpload"], new InputList<string>
            {
                Output.Format($"{AsyncBucket.BucketArn}/{asynchronous.OutputPrefix}*"),
                Output.Format($"{AsyncBucket.BucketArn}/{asynchronous.FailurePrefix}*"),
            }));
            statements.Add(PolicyDocuments.Allow("UseAsyncBucketKey", ["kms:Decrypt", "kms:GenerateDataKey"], AsyncBucket.KeyArn));
            statements.Add(PolicyDocuments.Allow("Notify", ["sns:Publish"], new InputList<string> { successTopic.Arn, errorTopic.Arn }));
            statements.Add(PolicyDocuments.Allow("EncryptNotifications", ["kms:Decrypt", "kms:GenerateDataKey"], Key.Arn));
            asyncConfig = new EndpointConfigurationAsyncInferenceConfigArgs
            {
                ClientConfig = asynchronous.MaxConcurrentInvocationsPerInstance is { } concurrent
                    ? new EndpointConfigurationAsyncInferenceConfigClientConfigArgs { MaxConcurrentInvocationsPerInstance = concurrent }
                    : null,
                OutputConfig = new EndpointConfigurationAsyncInferenceConfigOutputConfigArgs
                {
                    S3OutputPath = Output.Format($"s3://{AsyncBucket.BucketName}/{asynchronous.OutputPrefix.TrimEnd('/')}"),
                    S3FailurePath = Output.Format($"s3://{AsyncBucket.BucketName}/{asynchronous.FailurePrefix.TrimEnd('/')}"),
                    KmsKeyId = AsyncBucket.KeyArn,
                    NotificationConfig = new EndpointConfigurationAsyncInferenceConfigOutputConfigNotificationConfigArgs
                    {
                        SuccessTopic = successTopic.Arn,
                        ErrorTopic = errorTopic.Arn,
                    },
                },
            };
        }

        var rolePolicy = new RolePolicy(this, "role-policy", new RolePolicyArgs { Role = Role.RoleName, Policy = PolicyDocuments.Of([.. statements]) });

        var environment = new InputMap<string> { [ExecutionProviderVariable] = "cuda" };
        foreach (var (key, value) in args.Environment)
        {
            environment[key] = value;
        }

        // The role's policy must be in place before SageMaker pulls the image and the model with it.
        Model = new Model(this, "model", new ModelArgs
        {
            ExecutionRoleArn = Role.Arn,
            PrimaryContainer = new ModelPrimaryContainerArgs
            {
                Image = args.Image.ImageUri,
                Mode = "SingleModel",
                ModelDataUrl = args.ModelData is { } data ? (Input<string>)Output.Format($"s3://{data.Bucket.BucketName}/{data.Key}") : null,
                Environment = environment,
            },
            VpcConfig = args.Network is { } network
                ? new ModelVpcConfigArgs { Subnets = InputList<string>.From(network.SubnetIds), SecurityGroupIds = InputList<string>.From(network.SecurityGroupIds) }
                : null,
        }, new CustomResourceOptions { DependsOn = [rolePolicy] });

        // Autonamed, so that a change (which SageMaker cannot apply in place) creates a new configuration before the
        // endpoint moves to it and the old one is deleted.
        EndpointConfiguration = new EndpointConfiguration(this, "config", new EndpointConfigurationArgs
        {
            ProductionVariants = new[]
            {
                new EndpointConfigurationProductionVariantArgs
                {
                    VariantName = VariantName,
                    ModelName = Model.ModelName,
                    InstanceType = instanceType.ToString(),
                    // An asynchronous endpoint starts with an instance and may then scale to zero.
                    InitialInstanceCount = Math.Max(1, args.MinInstances),
                    ContainerStartupHealthCheckTimeoutInSeconds = (int)TimeUnit.Seconds.Count(args.StartupHealthCheckTimeout),
                    ModelDataDownloadTimeoutInSeconds = args.ModelData is null ? null : (int)TimeUnit.Seconds.Count(args.StartupHealthCheckTimeout),
                },
            },
            // CreateEndpointConfig refuses a KmsKeyId for instance types with local storage (encrypted by the instance's hardware).
            KmsKeyArn = encryptsVolume ? (Input<string>)Key.Arn : null,
            DataCaptureConfig = dataCapture,
            AsyncInferenceConfig = asyncConfig,
        });

        Notifications = args.Notifications ?? new AlarmNotifications(this, "notifications");
        var alarms = new EndpointAlarms(this, args, instanceType, PhysicalEndpointName, Notifications);
        Alarms = alarms.All;

        Endpoint = new Endpoint(this, "endpoint", new EndpointArgs
        {
            Name = PhysicalEndpointName,
            EndpointConfigName = EndpointConfiguration.EndpointConfigurationName,
            DeploymentConfig = args.Rollout is { } rollout ? EndpointDeployment.Config(rollout, alarms.RollbackAlarmNames) : null,
        });

        Scaling = new EndpointScaling(this, args, Endpoint);
        Dashboard = alarms.CreateDashboard(args);
    }

    /// <summary>The args it was built from.</summary>
    public GpuInferenceEndpointArgs Settings { get; }

    /// <summary>The endpoint's name as SageMaker knows it (and its metrics' EndpointName dimension).</summary>
    public string PhysicalEndpointName { get; }

    public Key Key { get; }

    public Role Role { get; }

    public Model Model { get; }

    public EndpointConfiguration EndpointConfiguration { get; }

    public Endpoint Endpoint { get; }

    public Output<string> EndpointName => Endpoint.EndpointName;

    public Output<string> EndpointArn => Endpoint.Arn;

    public EncryptedBucket? CaptureBucket { get; }

    /// <summary>Inputs, results and failures of asynchronous inference.</summary>
    public EncryptedBucket? AsyncBucket { get; }

    public Topic? SuccessTopic { get; }

    public Topic? ErrorTopic { get; }

    public AlarmNotifications Notifications { get; }

    public IReadOnlyList<MetricAlarm> Alarms { get; }

    public Dashboard Dashboard { get; }

    internal EndpointScaling Scaling { get; }

    /// <summary>
    /// Lets the grantee call <c>sagemaker:InvokeEndpoint</c> on this endpoint only, as <c>grant-invoke-{grantee}</c>; asking again for the
    /// same grantee returns that policy.
    /// </summary>
    public RolePolicy GrantInvoke(IGrantable grantee) => Grant(grantee, "grant-invoke", "InvokeEndpoint", "sagemaker:InvokeEndpoint");

    /// <summary>Lets the grantee call <c>sagemaker:InvokeEndpointAsync</c> on this endpoint only, as <c>grant-invoke-async-{grantee}</c>.</summary>
    public RolePolicy GrantInvokeAsync(IGrantable grantee) => Grant(grantee, "grant-invoke-async", "InvokeEndpointAsync", "sagemaker:InvokeEndpointAsync");

    private RolePolicy Grant(IGrantable grantee, string kind, string sid, string action)
    {
        ArgumentNullException.ThrowIfNull(grantee);
        var name = GrantNames.Of(this, kind, grantee.GrantPath);
        return _invokeGrants.GetOrCreate(name, $"grantee '{grantee.GrantPath}'", formerLocalName: null, options => new RolePolicy(this, name, new RolePolicyArgs
        {
            Role = grantee.GrantRole.RoleName,
            Policy = PolicyDocuments.Of(PolicyDocuments.Allow(sid, [action], Endpoint.Arn)),
        }, options));
    }

    private SageMakerInstanceType Validate(GpuInferenceEndpointArgs args)
    {
        var check = new ArgsValidation(Path);
        var instanceType = SageMakerInstanceType.Parse(args.InstanceType);
        var asynchronous = args.Asynchronous is not null;
        check.Check(instanceType is not null, nameof(args.InstanceType), args.InstanceType, $"a SageMaker instance type ml.<family>.<size>, e.g. {GpuInferenceEndpointArgs.DefaultInstanceType}")
            .Range(nameof(args.GpusPerInstance), args.GpusPerInstance, 1, 16)
            .Check(args.MinInstances >= (asynchronous ? 0 : 1), nameof(args.MinInstances), args.MinInstances,
                asynchronous ? "at least 0" : "at least 1 for a real-time endpoint (only an asynchronous endpoint can scale to zero: set Asynchronous)")
            .Check(args.MaxInstances >= Math.Max(1, args.MinInstances) && args.MaxInstances <= 100, nameof(args.MaxInstances), args.MaxInstances,
                $"from MinInstances (at least 1) to 100, never below MinInstances ({args.MinInstances})")
            .Check(args.TargetInvocationsPerInstance > 0, nameof(args.TargetInvocationsPerInstance), args.TargetInvocationsPerInstance, "invocations per instance per minute above 0")
            .Duration(nameof(args.StartupHealthCheckTimeout), args.StartupHealthCheckTimeout, TimeUnit.Seconds, 60, 3600)
            .Check(args.Environment.Keys.All(k => !k.StartsWith("SAGEMAKER_", StringComparison.Ordinal)), nameof(args.Environment),
                string.Join(", ", args.Environment.Keys), "no SAGEMAKER_* variables: SageMaker sets those itself")
            .Check(args.Network is null || (args.Network.SubnetIds.Count is > 0 and <= 16 && args.Network.SecurityGroupIds.Count is > 0 and <= 5), nameof(args.Network),
                args.Network is null ? null : $"{args.Network.SubnetIds.Count} subnet(s), {args.Network.SecurityGroupIds.Count} security group(s)", "1 to 16 subnets and 1 to 5 security groups");
        if (args.ModelData is { } model)
        {
            check.Check(model.Key.Length > 0 && !model.Key.StartsWith('/') && !model.Key.Contains('*', StringComparison.Ordinal) && !model.Key.EndsWith('/'),
                "ModelData.Key", model.Key, "an object key (a model.tar.gz), without a leading '/', a trailing '/' or wildcards");
        }

        if (args.DataCapture is { } capture)
        {
            check.Range("DataCapture.SamplingPercent", capture.SamplingPercent, 1, 100)
                .Check(capture.CaptureInput || capture.CaptureOutput, "DataCapture.CaptureOutput", capture.CaptureOutput, "true, or CaptureInput true: something to capture");
            CheckPrefix(check, "DataCapture.Prefix", capture.Prefix);
        }

        if (args.Asynchronous is { } a)
        {
            CheckPrefix(check, "Asynchronous.InputPrefix", a.InputPrefix);
            CheckPrefix(check, "Asynchronous.OutputPrefix", a.OutputPrefix);
            CheckPrefix(check, "Asynchronous.FailurePrefix", a.FailurePrefix);
            check.Check(new[] { a.InputPrefix, a.OutputPrefix, a.FailurePrefix }.Distinct(StringComparer.Ordinal).Count() == 3
                    && !Overlap(a.InputPrefix, a.OutputPrefix) && !Overlap(a.InputPrefix, a.FailurePrefix) && !Overlap(a.OutputPrefix, a.FailurePrefix),
                    "Asynchronous.OutputPrefix", a.OutputPrefix, "input, output and failure prefixes that do not contain each other (the role reads one and writes the others)")
                .Check(a.MaxConcurrentInvocationsPerInstance is null or >= 1 and <= 1000, "Asynchronous.MaxConcurrentInvocationsPerInstance", a.MaxConcurrentInvocationsPerInstance, "null or 1 to 1000")
                .Check(a.BacklogPerInstance > 0, "Asynchronous.BacklogPerInstance", a.BacklogPerInstance, "queued requests per instance above 0")
                .Duration("Asynchronous.OldestRequestAlarm", a.OldestRequestAlarm, TimeUnit.Seconds, 60, 86_400);
        }

        if (args.Schedule is { } schedule)
        {
            check.Check(TimeZoneInfo.TryFindSystemTimeZoneById(schedule.TimeZone, out _), "Schedule.TimeZone", schedule.TimeZone, "an IANA time zone such as UTC or Europe/Berlin");
            ProvisionedConcurrencySchedule.CheckProfile(check, "Schedule.Weekdays", schedule.Weekdays, args.MinInstances, args.MaxInstances);
            if (schedule.Weekends is { } weekends)
            {
                ProvisionedConcurrencySchedule.CheckProfile(check, "Schedule.Weekends", weekends, args.MinInstances, args.MaxInstances);
            }
        }

        var alarms = args.Alarms;
        check.Check(alarms.Invocation5xxRatePercent is > 0 and <= 100, "Alarms.Invocation5xxRatePercent", alarms.Invocation5xxRatePercent, "a percentage above 0 and at most 100")
            .Check(alarms.ModelErrorsPerPeriod >= 0, "Alarms.ModelErrorsPerPeriod", alarms.ModelErrorsPerPeriod, "a count of at least 0")
            .Duration("Alarms.ModelLatency", alarms.ModelLatency, TimeUnit.Milliseconds, 1, 3_600_000)
            .Check(alarms.GpuUtilizationPercent is > 0 and <= 100, "Alarms.GpuUtilizationPercent", alarms.GpuUtilizationPercent, "a percentage above 0 and at most 100")
            .Check(alarms.CpuUtilizationPercent is > 0 and <= 100, "Alarms.CpuUtilizationPercent", alarms.CpuUtilizationPercent, "a percentage above 0 and at most 100")
            .Duration("Alarms.Period", alarms.Period, TimeUnit.Minutes, 1, 60);
        EndpointDeployment.Validate(check, args.Rollout).ThrowIfInvalid();
        return instanceType!;
    }

    private static void CheckPrefix(ArgsValidation check, string key, string prefix) =>
        check.Check(prefix.Length > 0 && prefix.EndsWith('/') && !prefix.StartsWith('/') && !prefix.Contains('*', StringComparison.Ordinal), key, prefix,
            "a key prefix ending with '/', without a leading '/' or wildcards");

    private static bool Overlap(string a, string b) => a.StartsWith(b, StringComparison.Ordinal) || b.StartsWith(a, StringComparison.Ordinal);
}
