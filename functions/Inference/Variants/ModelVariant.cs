using Inference.Service;

namespace Inference.Variants;

/// <summary>A configured variant together with the service that answers for it.</summary>
public sealed class ModelVariant(VariantSpec spec, IInferenceService service) : IDisposable
{
    public VariantSpec Spec { get; } = spec;

    public IInferenceService Service { get; } = service;

    public string Name => Spec.Name;

    /// <summary>The version that answers a request for <paramref name="model"/>: the served model.json's, or an HTTP backend's label.</summary>
    public string? VersionOf(string? model)
    {
        if (Service is not ModelService local)
        {
            return Spec.Version;
        }

        if (model is not null && local.Models.TryGetDefinition(model, out var definition))
        {
            return definition.Version;
        }

        var served = local.Models.Definitions.Take(2).ToArray();
        return served.Length == 1 ? served[0].Version : null;
    }

    public void Dispose() => (Service as IDisposable)?.Dispose();
}
