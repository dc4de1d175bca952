using Infra.Components;
using Infra.Configuration;
using Infra.Core;
using Infra.Hosting;
using Infra.Registry;
using Infra.Sdk;
using Inference.Contracts;

namespace Stacks;

/// <summary>
/// The team's stacks. The stack name picks the environment's defaults; <c>Pulumi.&lt;stack&gt;.yaml</c>
/// overrides them key by key.
/// </summary>
public static class TeamStacks
{
    public static IReadOnlyList<string> Known { get; } = ["dev", "prod"];

    /// <summary>The model the team serves, and the version bundled with the function and the container image.</summary>
    private const string ModelName = "resnet18";
    private const string BundledModelVersion = "0.23.1";

    /// <summary>Lambda gives one vCPU per 1,769 MB.</summary>
    private const int OneVcpuMb = 1769;

    public static IDictionary<string, object?> Define(StackContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Known.Contains(context.StackName))
        {
            throw new SynthesisException("stack", $"unknown stack '{context.StackName}': this project defines {string.Join(", ", Known)}");
        }

        var production = context.StackName == "prod";
        var config = context.Config;
        var stack = context.Stack;
        // One full vCPU: `tune` measured it the fastest of the cheapest sizes for ResNet18 (docs/benchmarks.md, power tuning),
        // well inside prod's 500 ms p95 alarm; a second vCPU cost 1.4-1.7x as much per prediction for 17 % less p50 latency.
        var memory = DataSize.FromMebibytes(config.GetInt32("memoryMb", OneVcpuMb, 128, 10240));
        var build = FunctionBuildChoice.Read(config);
        var architecture = build.Architecture;
        var package = build.Package(context.Layout, context.Environment);
        var logRetention = TimeSpan.FromDays(config.GetInt32("logRetentionDays", production ? 365 : 7, InferenceFunction.AllowedRetentionDays));

        // The model registry (`model push|list|show|verify`). modelBucket fixes the bucket's name, so that the registry
        // commands find it; modelVersion pins the registry version the API and batch functions serve (unset: the
        // model bundled with the function). Changing it and running `pulumi up` promotes or rolls back.
        var models = new EncryptedBucket(stack, "models", new EncryptedBucketArgs
        {
            BucketName = config.GetString(ModelCommand.BucketConfigKey),
            ForceDestroy = !production,
            Protect = production,
        });
        var pinnedVersion = config.GetString("modelVersion");
        if (pinnedVersion is not null && !SemanticVersion.IsValid(pinnedVersion))
        {
            config.AddProblem("modelVersion", pinnedVersion, SemanticVersion.Rules);
            pinnedVersion = null; // reported as a config error; no program is emitted
        }

        var modelVersion = pinnedVersion ?? BundledModelVersion;
        var modelBucket = pinnedVersion is null ? null : models;

        // The published function with the bundled ResNet18 zips to about 80 MB, over Lambda's 50 MB
        // direct upload: both zip functions upload through this one bucket.
        var artifacts = new EncryptedBucket(stack, "artifacts", new EncryptedBucketArgs { ForceDestroy = !production, NoncurrentVersionExpiration = TimeSpan.FromDays(30) });
        var alarmEmail = config.GetSecret(stack, "alarmEmail");
        var alerts = new AlarmNotifications(stack, "alerts", new AlarmNotificationsArgs { EmailAddresses = alarmEmail is null ? [] : [alarmEmail] });

        var clients = config.GetStringList("apiClients", ["default"]);
        foreach (var client in clients.Where(client => !ApiClient.IsValidName(client)))
        {
            config.AddProblem("apiClients", client, "client names of " + ApiClient.NameRules);
        }

        // Reported as a config problem above; the API component would otherwise stop synth first, without naming the key.
        clients = clients.All(ApiClient.IsValidName) ? clients : ["default"];

        var rollout = RolloutConfig.Read(config, production);

        // API Gateway's CloudWatch role is one setting per account and region, which access logging needs. By default the
        // stack sets it (a fresh account has none); `existing` relies on another stack or a person having set it.
        var accountLogging = config.GetChoice("apiGatewayAccountLogging", "manage", "manage", "existing") == "manage"
            ? new ApiGatewayAccountLogging(stack, "apigateway-logging")
            : null;
        var api = new RestApiSettings
        {
            AccountLogging = accountLogging,
            StageName = context.StackName,
            Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = config.GetInt32("monthlyQuotaPerClient", 1_000_000, 1, int.MaxValue), QuotaPeriod = QuotaPeriod.Month, RateLimit = 50, BurstLimit = 100 }],
            Clients = [.. clients.Select(client => new ApiClient(client, "standard"))],
            AccessLogRetention = logRetention,
        };

        var embed = new RestInferenceApi(stack, "embed", new RestInferenceApiArgs
        {
            PredictionLogSampleRate = config.GetDouble("predictionLogSampleRate", production ? 0.05 : 1, 0, 1),
            // The team stacks run without a VPC, so their shared cache is the DynamoDB table (ElastiCache needs Function.Network).
            SharedCache = config.GetBoolean("sharedCache", false) ? SharedCacheStore.DynamoDb : SharedCacheStore.None,
            ProtectData = production,
            ModelName = ModelName,
            ModelVersion = modelVersion,
            Notifications = alerts,
            P95Duration = TimeSpan.FromMilliseconds(config.GetInt32("p95DurationMsThreshold", 500, 1, 900_000)),
            MinimumAccuracyPercent = config.GetDouble("minimumAccuracyPercent", 90, 1, 100),
            Rollout = rollout,
            TrafficSplit = TrafficSplitConfig.Read(config, pinnedVersion),
            Function = new InferenceFunctionArgs
            {
                Code = package.Code,
                Runtime = package.Runtime,
                ArtifactsBucket = artifacts,
                ModelName = ModelName,
                ModelBucket = modelBucket,
                Memory = memory,
                Architecture = architecture,
                Timeout = TimeSpan.FromSeconds(config.GetInt32("timeoutSeconds", 29, 1, 29)),
                LogRetention = logRetention,
                ProvisionedConcurrency = production
                    ? new ProvisionedConcurrencyScheduleArgs
                    {
                        TimeZone = config.GetString("timeZone", "UTC"),
                        Weekdays = new DailyProfile { PeakMinimum = config.GetInt32("peakProvisionedConcurrency", 4, 1, 1000) },
                    }
                    : null,
            },
            Api = api,
        });

        var functionSource = FunctionSource.Resolve(context.Layout).BuildContext;
        var largeArgs = new ContainerInferenceApiArgs
        {
            BuildContext = functionSource,
            ModelName = ModelName,
            ModelVersion = modelVersion,
            Notifications = alerts,
            ForceDelete = !production,
            Rollout = rollout,
            Function = new InferenceFunctionArgs
            {
                ModelBucket = modelBucket,
                Memory = DataSize.FromMebibytes(config.GetInt32("containerMemoryMb", OneVcpuMb, 128, 10240)),
                Architecture = architecture,
                LogRetention = logRetention,
            },
            Api = api,
        };
        var large = new ContainerInferenceApi(stack, "large", largeArgs);

        // batchCompute awsBatch: the same bucket, records and log, with each input run as an AWS Batch job of the container image.
        var batchCompute = AcceleratedConfig.BatchCompute(config, large.Image.ImageUri);
        var batch = new BatchInference(stack, "batch", new BatchInferenceArgs
        {
            ModelName = ModelName,
            ModelVersion = modelVersion,
            Notifications = alerts,
            Protect = production,
            Rollout = batchCompute is null ? rollout : null,
            Compute = batchCompute ?? BatchCompute.Lambda,
            Function = new InferenceFunctionArgs
            {
                Code = package.Code,
                Runtime = package.Runtime,
                ArtifactsBucket = artifacts,
                ModelBucket = batchCompute is null ? modelBucket : null,
                Memory = memory,
                Architecture = architecture,
                Timeout = TimeSpan.FromSeconds(120),
                LogRetention = logRetention,
            },
        });

        // gpuEndpoint: the server-mode image on a SageMaker GPU endpoint, with its own container API as the front.
        GpuInferenceEndpoint? gpu = null;
        ContainerInferenceApi? gpuApi = null;
        if (AcceleratedConfig.WantsGpuEndpoint(config))
        {
            var serverImage = new InferenceServerImage(stack, "gpu-image", new InferenceServerImageArgs { BuildContext = functionSource, ForceDelete = !production });
            gpu = new GpuInferenceEndpoint(stack, "gpu", AcceleratedConfig.EndpointArgs(config, EndpointImage.From(serverImage), alerts, rollout, production));
            gpuApi = new ContainerInferenceApi(stack, "gpu-front", largeArgs with
            {
                GpuBackend = new GpuBackendArgs { Endpoint = gpu },
                Function = new InferenceFunctionArgs { Memory = GpuBackendArgs.FrontMemory, Architecture = architecture, LogRetention = logRetention },
            });
        }

        if (production)
        {
            new CostGuards(stack, "cost", new CostGuardsArgs
            {
                Notifications = alerts,
                MonthlyBudgetUsd = config.GetInt32("monthlyBudgetUsd", 50, 1, 1_000_000),
                AnomalyDetection = true,
                ExistingAnomalyMonitorArn = AnomalyMonitorArn(config),
            });
        }

        var outputs = new Dictionary<string, object?>
        {
            ["apiUrl"] = embed.Url,
            ["dashboardUrl"] = embed.DashboardUrl,
            ["functionName"] = embed.FunctionName,
            ["liveAlias"] = embed.AliasName,
            ["modelBucketName"] = models.BucketName,
            ["containerApiUrl"] = large.Url,
            ["containerRepositoryUrl"] = large.RepositoryUrl,
            ["batchInputBucket"] = batch.Input.BucketName,
            ["batchOutputBucket"] = batch.Output.BucketName,
            ["predictionsTable"] = batch.PredictionsLog.TableName,
            ["apiPredictionsTable"] = embed.PredictionsLog?.TableName,
            ["alarmTopicArn"] = alerts.TopicArn,
        };
        if (gpu is not null && gpuApi is not null)
        {
            outputs["gpuApiUrl"] = gpuApi.Url;
            outputs["gpuEndpointName"] = gpu.EndpointName;
        }

        foreach (var (client, keyId) in embed.ApiKeyIds)
        {
            outputs[$"apiKeyId_{client.Replace('-', '_')}"] = keyId;
        }

        foreach (var (client, keyId) in large.ApiKeyIds)
        {
            outputs[$"containerApiKeyId_{client.Replace('-', '_')}"] = keyId;
        }

        return outputs;
    }

    /// <summary>An existing Cost Anomaly Detection monitor to subscribe to instead of creating one (anomalyMonitorArn).</summary>
    private static string? AnomalyMonitorArn(StackConfig config)
    {
        var arn = config.GetString("anomalyMonitorArn");
        if (arn is null || CostGuards.IsAnomalyMonitorArn(arn))
        {
            return arn;
        }

        config.AddProblem("anomalyMonitorArn", arn, CostGuards.AnomalyMonitorArnRules);
        return null; // reported as a config error; no program is emitted
    }
}
