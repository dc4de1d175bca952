using Infra.Core;

namespace Infra.Components;

public sealed record RestInferenceApiArgs
{
    /// <summary>The function: a zip package, with the model bundled or in an encrypted model bucket.</summary>
    public required InferenceFunctionArgs Function { get; init; }

    /// <summary>The served model and version, the dimensions of the function's metrics.</summary>
    public required string ModelName { get; init; }

    public required string ModelVersion { get; init; }

    /// <summary>Routes, auth, usage plans, clients and throttling; the pattern sets <c>Target</c> to the function's <c>live</c> alias.</summary>
    public RestApiEndpointArgs Api { get; init; } = new();

    public WafArgs Waf { get; init; } = new();

    /// <summary>Where alarms notify; one is created when absent.</summary>
    public AlarmNotifications? Notifications { get; init; }

    public double ErrorRatePercent { get; init; } = 1;

    public int P95DurationMs { get; init; } = 500;

    public double ColdStartRatePercent { get; init; } = 5;
}

/// <summary>
/// Pattern 1, lightweight models: API Gateway → WAF → the function's <c>live</c> alias → the model
/// in memory, with alarms, a dashboard, API keys and usage plans.
/// </summary>
public sealed class RestInferenceApi : ComponentResource
{
    public RestInferenceApi(IScope scope, string name, RestInferenceApiArgs args, ComponentResourceOptions? options = null)
        : base("ml:RestInferenceApi", scope, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        new ArgsValidation(Path)
            .Check(args.Api.Target is null, "Api.Target", "a target", "unset: the pattern routes the API to its own function's live alias")
            .Check(args.Function.TimeoutSeconds <= 29, "Function.TimeoutSeconds", args.Function.TimeoutSeconds, "at most 29: API Gateway ends a REST integration after 29 s, so a longer function timeout only burns money")
            .Check(args.Function.ImageUri is null, "Function.ImageUri", "an image", "unset: container images are ContainerInferenceApi's pattern")
            .ThrowIfInvalid();

        Function = new InferenceFunction(this, "function", args.Function);
        Api = new RestApiEndpoint(this, "api", args.Api with { Target = LambdaAliasTarget.Of(Function.Alias, InferenceFunction.LiveAlias) });
        Waf = new Waf(this, "waf", args.Waf);
        Waf.Associate(Api);
        Monitoring = new InferenceMonitoring(this, "monitoring", new InferenceMonitoringArgs
        {
            Function = Function,
            Notifications = args.Notifications,
            ModelName = args.ModelName,
            ModelVersion = args.ModelVersion,
            Api = Api.MonitoredApi,
            ErrorRatePercent = args.ErrorRatePercent,
            P95DurationMs = args.P95DurationMs,
            ColdStartRatePercent = args.ColdStartRatePercent,
            ExtraWidgets = [Api.ErrorsWidget(0, 0), Api.UsageByClientWidget(0, 0)],
        });
        ModelBucketName = args.Function.ModelBucket?.BucketName;
    }

    public InferenceFunction Function { get; }

    public RestApiEndpoint Api { get; }

    public Waf Waf { get; }

    public InferenceMonitoring Monitoring { get; }

    /// <summary>The base URL; the routes are under it (e.g. <c>{Url}/v2/models/resnet18/predict</c>).</summary>
    public Output<string> Url => Api.InvokeUrl;

    public IReadOnlyDictionary<string, Output<string>> ApiKeyIds => Api.ApiKeyIds;

    public Output<string>? ModelBucketName { get; }

    public Output<string> FunctionName => Function.FunctionName;

    public Output<string> AliasName => Function.Alias.AliasName;

    public Output<string> DashboardUrl => Monitoring.DashboardUrl;
}
