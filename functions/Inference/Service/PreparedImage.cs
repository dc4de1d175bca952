using Inference.Protocol;
using Inference.Sessions;
using Inference.Telemetry;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Service;

/// <summary>A decoded, preprocessed /predict image waiting for its model run, with the request it answers.</summary>
internal sealed class PreparedImage(InferenceRequest request, RequestRecord record, LoadedModel model,
    PooledTensor tensor, IDisposableReadOnlyCollection<OrtValue>? preprocessed) : IDisposable
{
    public InferenceRequest Request { get; } = request;
    public RequestRecord Record { get; } = record;
    public LoadedModel Model { get; } = model;

    /// <summary>Where its answer goes in the prediction cache (<see cref="CachedPredictions"/>); null without a cache.</summary>
    public string? CacheKey { get; set; }

    /// <summary>The image's position in a batch prediction's requests.</summary>
    public int Index { get; set; }

    /// <summary>The model's input for this image, shaped with a batch of 1.</summary>
    public OrtValue Input => preprocessed?[0] ?? tensor.Value;

    public void Dispose()
    {
        preprocessed?.Dispose();
        tensor.Dispose();
    }
}
