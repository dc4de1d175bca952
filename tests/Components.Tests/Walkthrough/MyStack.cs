using Infra.Components;
using Infra.Core;
using Infra.Hosting;

public static class MyStack
{
    // Program.cs: return Deployment.Run(args, MyStack.Define);
    public static IDictionary<string, object?> Define(StackContext context)
    {
        var alarmEmail = context.Config.RequireSecret(context.Stack, "alarmEmail");
        var alerts = new AlarmNotifications(context.Stack, "alerts", new() { EmailAddresses = [alarmEmail] });

        var api = new RestInferenceApi(context.Stack, "embed", new RestInferenceApiArgs
        {
            ModelName = "resnet18",
            ModelVersion = "0.23.1",
            Notifications = alerts,
            Function = new InferenceFunctionArgs
            {
                // The ReadyToRun publish for dotnet10 on x86_64, which serve also runs ("Function builds" below).
                Code = CodeDirectory.FromProject(context.Layout, ".build/function/ready-to-run-linux-x64"),
                Memory = DataSize.FromMebibytes(context.Config.GetInt32("memoryMb", 2048, 128, 10240)),
            },
            Api = new RestApiSettings
            {
                // Access logs need the region's API Gateway CloudWatch role, which a fresh account lacks: this sets it.
                // Where another stack already manages it, leave AccountLogging out (preview lists it as a prerequisite).
                AccountLogging = new ApiGatewayAccountLogging(context.Stack, "apigateway-logging"),
                Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 20, BurstLimit = 40 }],
                Clients = [new ApiClient("acme", "standard")],
            },
        });

        return new Dictionary<string, object?> { ["url"] = api.Url, ["dashboard"] = api.DashboardUrl, ["acmeKeyId"] = api.ApiKeyIds["acme"] };
    }
}
