using Inference.Caching;
using Inference.Contracts;
using Inference.Imaging;
using Inference.Protocol;
using Inference.Telemetry;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Service;

/// <summary>
/// The prediction cache around a prediction step: a request whose key (<see cref="PredictionKeys"/>: the parsed tensors
/// for /infer, the image bytes for /predict) was answered before gets that answer without the model; a fresh answer is
/// stored without its id. The cache never fails a request: its errors go to the request's record.
/// </summary>
internal sealed class CachedPredictions(IPredictionStep inner, PredictionCache cache) : IPredictionStep
{
    public async ValueTask<PredictionAnswer> InferAsync(ModelDefinition definition, InferRequest parsed, RequestRecord record,
        CancellationToken cancellationToken)
    {
        var key = PredictionKeys.ForInfer(definition, parsed);
        if (await LookUpAsync(key, record, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            return cached;
        }

        var answer = await inner.InferAsync(definition, parsed, record, cancellationToken).ConfigureAwait(false);
        return await StoreAsync(key, answer, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Looks the image up before the model is loaded or the image decoded.</summary>
    public async ValueTask<(PredictionAnswer? Answer, PreparedImage? Image)> PrepareImageAsync(InferenceRequest request, ModelDefinition definition,
        ImageTensorBuilder builder, RequestRecord record, CancellationToken cancellationToken)
    {
        var key = PredictionKeys.ForPredict(definition, request.Body.Span);
        if (await LookUpAsync(key, record, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            return (cached, null);
        }

        var prepared = await inner.PrepareImageAsync(request, definition, builder, record, cancellationToken).ConfigureAwait(false);
        if (prepared.Image is { } image)
        {
            image.CacheKey = key;
        }

        return prepared;
    }

    public async ValueTask<PredictionAnswer> AnswerImageAsync(PreparedImage image, OrtValue output, CancellationToken cancellationToken)
    {
        var answer = await inner.AnswerImageAsync(image, output, cancellationToken).ConfigureAwait(false);
        return await StoreAsync(image.CacheKey!, answer, image.Record, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        cache.Dispose();
        inner.Dispose();
    }

    /// <returns>The cached answer, or null on a miss.</returns>
    private async ValueTask<PredictionAnswer?> LookUpAsync(string key, RequestRecord record, CancellationToken cancellationToken)
    {
        var lookup = await cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
        record.CacheError = lookup.Error;
        if (lookup.Value is not { } cached)
        {
            record.Cache = "miss";
            return null;
        }

        record.Cache = "hit";
        record.CacheSource = lookup.Source;
        return new PredictionAnswer(cached.Body, cached.ContentType, "hit");
    }

    private async ValueTask<PredictionAnswer> StoreAsync(string key, PredictionAnswer answer, RequestRecord record, CancellationToken cancellationToken)
    {
        var store = await cache.SetAsync(key, new CachedPrediction(answer.BodyWithoutId, answer.ContentType), cancellationToken).ConfigureAwait(false);
        record.CacheError ??= store.Error;
        record.CacheStoreSkipped = store.SharedSkipped;
        return answer with { Cache = "miss" };
    }
}
