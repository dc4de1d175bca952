using Infra.Aws.Iam;
using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;
using Infra.Testing.Node;
using SchemaCheck.Checking;

namespace Components.Tests;

/// <summary>
/// Every option of the building blocks, synthesized and type-checked against the provider's
/// schema in one checker run: the team stacks use only some options, and an option no stack
/// uses must still deploy.
/// </summary>
public sealed class ComponentSchemaTests : IDisposable
{
    private readonly string _bigCode = Directory.CreateTempSubdirectory("schema-code").FullName;

    public void Dispose() => Directory.Delete(_bigCode, recursive: true);

    private string EveryOption()
    {
        using (var file = File.Create(Path.Combine(_bigCode, "model.onnx")))
        {
            file.SetLength(CodeDirectory.DirectUploadLimitBytes + 1);
        }

        var stack = new Stack("ml-serving", "schema");
        var email = stack.ConfigReference<string>("alarmEmail", "string", secret: true);
        var models = new EncryptedBucket(stack, "models", new EncryptedBucketArgs
        {
            Protect = true,
            NoncurrentVersionExpiration = TimeSpan.FromDays(30),
            KeyUsers = ["arn:aws:iam::123456789012:role/reader"],
            AccessLogging = new AccessLoggingArgs { TargetBucket = "central-access-logs" },
            DataEventAudit = new DataEventAuditArgs { TrailBucket = "central-trail", IncludeReads = false },
        });
        var scratch = new EncryptedBucket(stack, "scratch", new EncryptedBucketArgs { Versioning = false, ForceDestroy = true });
        var embed = new InferenceFunction(stack, "embed", new InferenceFunctionArgs
        {
            Code = new CodeDirectory("../.build/function", _bigCode),
            Runtime = LambdaRuntime.ProvidedAl2023,
            Architecture = LambdaArchitecture.Arm64,
            Memory = DataSize.FromMebibytes(3008),
            EphemeralStorage = DataSize.FromMebibytes(2048),
            ReservedConcurrency = 20,
            Network = new FunctionNetworkArgs { SubnetIds = ["subnet-0a1b2c3d4e5f60718"], SecurityGroupIds = ["sg-0a1b2c3d4e5f60718"] },
            ModelBucket = models,
            ModelKey = "models/resnet18/1.0.0/model.onnx",
            ModelVersionId = "v1",
            Environment = new Dictionary<string, Input<string>> { ["MODEL_LOADING"] = "eager" },
            ProvisionedConcurrency = new ProvisionedConcurrencyScheduleArgs
            {
                TimeZone = "Europe/Berlin",
                Weekends = new DailyProfile { PeakStartHour = 10, PeakEndHour = 16, PeakMinimum = 2, ScaleDownSteps = 1 },
                TargetUtilization = 0.7,
            },
        });
        new InferenceFunction(stack, "snap", new InferenceFunctionArgs { Code = new CodeDirectory("../.build/function", "/nonexistent"), SnapStart = true, ArtifactsBucket = scratch });
        new InferenceFunction(stack, "big", new InferenceFunctionArgs { ImageUri = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/models@sha256:" + new string('0', 64), Memory = DataSize.FromMebibytes(10240) });
        var reader = new Role(stack, "reader", new RoleArgs { AssumeRolePolicy = Output.JsonSerialize(new { Version = "2012-10-17", Statement = Array.Empty<object>() }) });
        models.GrantRead(reader, "models/");
        models.GrantReadWrite(reader, "results/");
        var alerts = new AlarmNotifications(stack, "alerts", new AlarmNotificationsArgs { EmailAddresses = [email], HttpsEndpoints = ["https://hooks.example.com/alarms"] });
        new InferenceMonitoring(stack, "embed-monitoring", new InferenceMonitoringArgs
        {
            Function = embed,
            Notifications = alerts,
            ModelName = "resnet18",
            ModelVersion = "1.0.0",
            Api = new ApiMetrics("inference", "v1"),
        });
        new CostGuards(stack, "cost", new CostGuardsArgs { Notifications = alerts, MonthlyBudgetUsd = 50, AnomalyDetection = true });
        new ContainerInferenceApi(stack, "large", new ContainerInferenceApiArgs
        {
            BuildContext = new CodeDirectory("..", "/nonexistent"),
            ModelName = "big",
            ModelVersion = "2.0.0",
            ModelSource = "models/big",
            Notifications = alerts,
            PredictionLogSampleRate = 0.5,
            SharedCache = SharedCacheStore.DynamoDb,
            ProtectData = true,
            Function = new InferenceFunctionArgs { Memory = DataSize.FromMebibytes(10240), Architecture = LambdaArchitecture.Arm64, EphemeralStorage = DataSize.FromMebibytes(10240) },
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 5, BurstLimit = 10 }], Clients = [new ApiClient("acme", "standard")] },
        });
        new RestInferenceApi(stack, "vpc-api", new RestInferenceApiArgs
        {
            ModelName = "ppocr-cls",
            ModelVersion = "2.0.0",
            Notifications = alerts,
            SharedCache = SharedCacheStore.ElastiCacheServerless,
            Function = new InferenceFunctionArgs
            {
                Code = new CodeDirectory("../.build/function", "/nonexistent"),
                Network = new FunctionNetworkArgs
                {
                    SubnetIds = ["subnet-0a1b2c3d4e5f60718", "subnet-0b1b2c3d4e5f60718"],
                    SecurityGroupIds = ["sg-0a1b2c3d4e5f60718"],
                    VpcId = "vpc-0a1b2c3d4e5f60718",
                },
            },
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 5, BurstLimit = 10 }], Clients = [new ApiClient("acme", "standard")] },
        });
        new ContainerInferenceApi(stack, "gpu-front", new ContainerInferenceApiArgs
        {
            BuildContext = new CodeDirectory("..", "/nonexistent"),
            ModelName = "resnet18",
            ModelVersion = "1.0.0",
            GpuBackend = new GpuBackendArgs
            {
                Endpoint = new LiteralEndpoint(),
                Region = "eu-west-1",
                Timeout = TimeSpan.FromSeconds(20),
                AttemptTimeout = TimeSpan.FromSeconds(10),
            },
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 5, BurstLimit = 10 }], Clients = [new ApiClient("acme", "standard")] },
            Notifications = alerts,
        });
        new BatchInference(stack, "batch", new BatchInferenceArgs
        {
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("../.build/function", "/nonexistent"), Timeout = TimeSpan.FromSeconds(120) },
            ModelName = "ppocr-cls",
            ModelVersion = "2.0.0",
            InputSuffix = ".png",
            Notifications = alerts,
            Protect = true,
        });
        var gpu = new GpuInferenceEndpoint(stack, "gpu", new GpuInferenceEndpointArgs
        {
            Image = new EndpointImage("123456789012.dkr.ecr.eu-west-1.amazonaws.com/models@sha256:" + new string('0', 64), "arn:aws:ecr:eu-west-1:123456789012:repository/models"),
            InstanceType = "ml.p3.2xlarge",
            MinInstances = 1,
            MaxInstances = 4,
            Schedule = new EndpointScheduleArgs { TimeZone = "Europe/Berlin", Weekdays = new DailyProfile { PeakMinimum = 3 }, Weekends = new DailyProfile { PeakStartHour = 10, PeakEndHour = 16, PeakMinimum = 2, ScaleDownSteps = 1 } },
            Environment = new Dictionary<string, Input<string>> { ["MAX_BATCH_SIZE"] = "16" },
            ModelData = new EndpointModelData { Bucket = models, Key = "models/resnet18/1.0.0/model.tar.gz" },
            Network = new FunctionNetworkArgs { SubnetIds = ["subnet-0a1b2c3d4e5f60718"], SecurityGroupIds = ["sg-0a1b2c3d4e5f60718"] },
            DataCapture = new EndpointDataCaptureArgs { SamplingPercent = 20 },
            Notifications = alerts,
            Rollout = new GradualRolloutArgs { StepsPercent = [25, 50, 75, 100], Bake = TimeSpan.FromMinutes(5) },
        });
        gpu.GrantInvoke(new RoleGrantee(reader));
        gpu.GrantInvokeAsync(new RoleGrantee(reader));
        var serverImage = new InferenceServerImage(stack, "server-image", new InferenceServerImageArgs
        {
            BuildContext = new CodeDirectory("..", "/nonexistent"),
            ImagesToKeep = 5,
            ForceDelete = true,
        });
        var gpuAsync = new GpuInferenceEndpoint(stack, "gpu-async", new GpuInferenceEndpointArgs
        {
            Image = EndpointImage.From(serverImage),
            MinInstances = 0,
            Asynchronous = new AsyncInferenceArgs { MaxConcurrentInvocationsPerInstance = 2 },
            Notifications = alerts,
            Rollout = new GradualRolloutArgs { StepsPercent = [10, 100] },
        });
        new BatchInference(stack, "bulk-async", new BatchInferenceArgs
        {
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("../.build/function", "/nonexistent") },
            ModelName = "resnet18",
            ModelVersion = "0.23.1",
            Notifications = alerts,
            Compute = new SageMakerAsyncCompute { Endpoint = gpuAsync },
        });
        foreach (var (name, compute) in AwsBatchComputes())
        {
            new BatchInference(stack, name, new BatchInferenceArgs
            {
                Function = new InferenceFunctionArgs { Code = new CodeDirectory("../.build/function", "/nonexistent") },
                ModelName = "resnet18",
                ModelVersion = "0.23.1",
                InputSuffix = ".jpg",
                Notifications = alerts,
                Compute = compute,
            });
        }

        return YamlProgramWriter.Write(ProgramSynthesizer.Synthesize(stack));
    }

    /// <summary>BatchInference's AWS Batch option on Fargate Spot, and on EC2 Spot GPU instances.</summary>
    private static IEnumerable<(string Name, AwsBatchCompute Compute)> AwsBatchComputes()
    {
        var fargate = new AwsBatchCompute
        {
            Image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/inference:0a1b2c3",
            Capacity = AwsBatchCapacity.FargateSpot,
            SubnetIds = ["subnet-0a1b2c3d4e5f60718"],
            SecurityGroupIds = ["sg-0a1b2c3d4e5f60718"],
        };
        yield return ("bulk-fargate", fargate);
        yield return ("bulk-gpu", fargate with
        {
            Capacity = AwsBatchCapacity.Ec2Spot,
            InstanceTypes = ["g6.xlarge", "g5.xlarge"],
            Gpus = 1,
            Vcpus = 4,
            Memory = DataSize.FromMebibytes(15000),
            MaxVcpus = 64,
        });
    }

    /// <summary>A GPU endpoint made outside the program, for the GPU-fronted container pattern.</summary>
    private sealed class LiteralEndpoint : IInvocableEndpoint
    {
        public Output<string> EndpointName { get; } = Output.Create("gpu-resnet");

        public Output<string> EndpointArn { get; } = Output.Create("arn:aws:sagemaker:eu-west-1:123456789012:endpoint/gpu-resnet");
    }

    [Fact]
    public void Every_building_block_option_passes_the_provider_schema_check()
    {
        var report = new SchemaChecker().Check([new ProgramSource("every-option.yaml", EveryOption())]);

        Assert.Single(report.Programs);
        var findings = report.Programs.SelectMany(p => p.Findings).Select(f => $"{f.Entity?.Name} {f.Path}: {f.Code} {f.Message}");
        Assert.True(report.Passed, string.Join(Environment.NewLine, findings));
    }

    [Fact]
    public void The_generated_resource_classes_match_the_pinned_provider_declarations()
    {
        var node = new NodeProject();
        node.EnsureInstalled(TextWriter.Null);
        var generator = Path.Combine(node.Directory, "..", "..", "components", "Aws", "Codegen", "generate.mjs");

        var result = ProcessRunner.Run("node", [generator, "--check"], node.Directory);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("components/Aws/Generated is current", result.StandardError, StringComparison.Ordinal);
    }
}
