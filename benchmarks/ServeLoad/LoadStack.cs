using Infra.Components;
using Infra.Core;
using Infra.Hosting;
using Infra.Local;

namespace ServeLoad;

/// <summary>
/// The stack the load and soak checks serve: one <see cref="RestInferenceApi"/> with PP-OCR's direction classifier
/// (about 1 ms per prediction), so 20,000 requests fit on a 2-core machine. Its limits are raised above the load
/// (stage and usage-plan throttling, quota, the WAF's per-IP rate rule): every answer that is not a 200 is a finding.
/// </summary>
internal static class LoadStack
{
    public const string Name = "load";
    public const string ApiName = "classify";
    public const string ClientName = "load";
    public const string ModelName = "ppocr-cls";

    public static IDictionary<string, object?> Define(StackContext context)
    {
        if (context.StackName != Name)
        {
            throw new SynthesisException("stack", $"unknown stack '{context.StackName}': the load tool defines only '{Name}'");
        }

        _ = new RestInferenceApi(context.Stack, ApiName, new RestInferenceApiArgs
        {
            ModelName = ModelName,
            ModelVersion = "2.0.0",
            PredictionLogSampleRate = 0.05,
            Function = new InferenceFunctionArgs
            {
                // serve runs its own publish of the function (FunctionBuild); the model comes from next to this tool.
                Code = CodeDirectory.FromProject(context.Layout, FunctionBuild.OutputFromRoot),
                Memory = DataSize.FromMebibytes(512),
                Timeout = TimeSpan.FromSeconds(10),
                Environment = new Dictionary<string, Input<string>>
                {
                    ["MODEL_DIR"] = Path.Combine(AppContext.BaseDirectory, "models", ModelName),
                    ["ORT_INTRA_OP_THREADS"] = "1",
                },
            },
            Api = new RestApiSettings
            {
                StageName = Name,
                Tiers = [new UsagePlanTier { Name = "load", QuotaLimit = int.MaxValue, QuotaPeriod = QuotaPeriod.Day, RateLimit = 10_000, BurstLimit = 5_000 }],
                Clients = [new ApiClient(ClientName, "load")],
                ThrottleRateLimit = 10_000,
                ThrottleBurstLimit = 5_000,
            },
            Waf = new WafArgs { RateLimitPerIp = 2_000_000_000, RateLimitWindow = TimeSpan.FromSeconds(60) },
        });
        return new Dictionary<string, object?>();
    }
}
