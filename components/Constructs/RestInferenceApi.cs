using Infra.Core;

namespace Infra.Components;

public sealed record RestInferenceApiArgs : InferenceApiArgs
{
    /// <summary>The function: a zip package, with the model bundled or in an encrypted model bucket.</summary>
    public required InferenceFunctionArgs Function { get; init; }
}

/// <summary>
/// Pattern 1, lightweight models: API Gateway → WAF → the function's <c>live</c> alias → the model
/// in memory, with alarms, a dashboard, API keys and usage plans.
/// </summary>
public sealed class RestInferenceApi : ComponentResource, IInferenceApi
{
    public RestInferenceApi(IScope scope, string name, RestInferenceApiArgs args, ComponentResourceOptions? options = null)
        : base("ml:RestInferenceApi", scope, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var check = new ArgsValidation(Path);
        InferenceApiFront.Validate(check, args, args.Function);
        check.Check(args.Function.ImageUri is null, "Function.ImageUri", "an image", "unset: container images are ContainerInferenceApi's pattern")
            .CheckPin(args.Function, args.ModelName, args.ModelVersion)
            .ThrowIfInvalid();

        Data = new ApiDataLayer(this, args, args.Function);
        Function = new InferenceFunction(this, "function", FunctionPlan.ForApi(args, args.Function, Data));
        Data.Grant(this, Function);
        (Api, Waf, Monitoring) = InferenceApiFront.Build(this, Function, args);
        Rollout = RolloutPlan.Create(this, Function, Monitoring, args.Rollout, Api);
        ModelBucketName = args.Function.ModelBucket?.BucketName;
        ModelName = args.ModelName;
        ModelVersion = args.ModelVersion;
    }

    /// <summary>The served model and its version (the metrics' dimensions; local mode's sample request).</summary>
    public string ModelName { get; }

    public string ModelVersion { get; }

    public InferenceFunction Function { get; }

    private ApiDataLayer Data { get; }

    /// <summary>The sampled predictions log, when <see cref="InferenceApiArgs.PredictionLogSampleRate"/> is set.</summary>
    public Aws.DynamoDB.Table? PredictionsLog => Data.PredictionsLog;

    public RestApiEndpoint Api { get; }

    public Waf Waf { get; }

    public InferenceMonitoring Monitoring { get; }

    /// <summary>The gradual rollout of new versions, when <see cref="InferenceApiArgs.Rollout"/> is set.</summary>
    public GradualRollout? Rollout { get; }

    /// <summary>The base URL; the routes are under it (e.g. <c>{Url}/v2/models/resnet18/predict</c>).</summary>
    public Output<string> Url => Api.InvokeUrl;

    public IReadOnlyDictionary<string, Output<string>> ApiKeyIds => Api.ApiKeyIds;

    public Output<string>? ModelBucketName { get; }

    public Output<string> FunctionName => Function.FunctionName;

    public Output<string> AliasName => Function.Alias.AliasName;

    public Output<string> DashboardUrl => Monitoring.DashboardUrl;
}
