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
public sealed class RestInferenceApi : InferenceApiBase
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

        Serve(args, args.Function);
    }
}
