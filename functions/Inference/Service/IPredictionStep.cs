using Inference.Contracts;
using Inference.Imaging;
using Inference.Protocol;
using Inference.Telemetry;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Service;

/// <summary>
/// The prediction behind /infer and /predict, once <see cref="InferenceService"/> has routed, checked and parsed the
/// request: <see cref="SessionPredictions"/> runs the model's session, and the prediction cache
/// (<see cref="CachedPredictions"/>) wraps it. Each fills in the request's record.
/// </summary>
internal interface IPredictionStep : IDisposable
{
    ValueTask<PredictionAnswer> InferAsync(ModelDefinition definition, InferRequest parsed, RequestRecord record, CancellationToken cancellationToken);

    /// <summary>Everything /predict does before the model runs.</summary>
    /// <returns>An answer already (a cache hit), or the image's input tensor, ready for the model.</returns>
    ValueTask<(PredictionAnswer? Answer, PreparedImage? Image)> PrepareImageAsync(InferenceRequest request, ModelDefinition definition,
        ImageTensorBuilder builder, RequestRecord record, CancellationToken cancellationToken);

    /// <summary>The answer to a prepared image, from the model's output for it.</summary>
    ValueTask<PredictionAnswer> AnswerImageAsync(PreparedImage image, OrtValue output, CancellationToken cancellationToken);
}
