using Infra.Components;
using Infra.Core;
using Infra.Hosting;
using Infra.Sdk;

namespace Team.Inference.Stacks;

/// <summary>
/// The team's stack: a REST API serving the bundled ResNet18 model with an API key, its alarms, and an encrypted
/// bucket the function's code uploads through. <c>Pulumi.&lt;stack&gt;.yaml</c> sets the config keys read here.
/// </summary>
public static class InferenceStack
{
    public static IDictionary<string, object?> Define(StackContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = context.Config;
        var stack = context.Stack;
        var production = context.StackName == "prod";

        // functionBuild (auto, native-aot, ready-to-run) and architecture: deploy/compile.sh publishes the build asked for.
        var build = FunctionBuildChoice.Read(config);
        var package = build.Package(context.Layout, context.Environment);

        // The published function with the bundled model zips to about 80 MB, over Lambda's 50 MB direct upload.
        var artifacts = new EncryptedBucket(stack, "artifacts", new EncryptedBucketArgs { ForceDestroy = !production });

        var alarmEmail = config.GetSecret(stack, "alarmEmail");
        var alerts = new AlarmNotifications(stack, "alerts", new AlarmNotificationsArgs { EmailAddresses = alarmEmail is null ? [] : [alarmEmail] });

        var api = new RestInferenceApi(stack, "embed", new RestInferenceApiArgs
        {
            ModelName = "resnet18",
            ModelVersion = "0.23.1",
            Notifications = alerts,
            ProtectData = production,
            Function = new InferenceFunctionArgs
            {
                Code = package.Code,
                Runtime = package.Runtime,
                Architecture = build.Architecture,
                ArtifactsBucket = artifacts,
                Memory = DataSize.FromMebibytes(config.GetInt32("memoryMb", 2048, 128, 10240)),
                LogRetention = TimeSpan.FromDays(config.GetInt32("logRetentionDays", production ? 365 : 7, InferenceFunction.AllowedRetentionDays)),
            },
            Api = new RestApiSettings
            {
                // Access logs need the region's API Gateway CloudWatch role, which a fresh account lacks: this sets it.
                AccountLogging = new ApiGatewayAccountLogging(stack, "apigateway-logging"),
                StageName = context.StackName,
                Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 20, BurstLimit = 40 }],
                Clients = [new ApiClient("default", "standard")],
            },
        });

        return new Dictionary<string, object?>
        {
            ["apiUrl"] = api.Url,
            ["dashboardUrl"] = api.DashboardUrl,
            ["functionName"] = api.FunctionName,
            ["liveAlias"] = api.AliasName,
            ["apiKeyId"] = api.ApiKeyIds["default"],
        };
    }
}
