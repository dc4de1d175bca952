using Amazon.DynamoDBv2;
using Inference.Caching;
using Inference.Service;

namespace Inference.Predictions;

/// <summary>
/// Decides which predictions are logged and writes them, best effort: batch inputs (the host names them with
/// <see cref="InferenceRequest.PredictionLogKey"/>) always, REST and container requests at the sampling rate.
/// </summary>
public sealed class PredictionRecorder(IPredictionLog log, double sampleRate, Func<double> random, TimeSpan timeout)
{
    /// <returns>null when the options name neither a table nor a file.</returns>
    public static PredictionRecorder? Create(PredictionLogOptions options, Func<IAmazonDynamoDB> dynamoDb, TimeProvider time, Func<double> random)
    {
        var ttl = TimeSpan.FromDays(options.TtlDays);
        IPredictionLog? log = (options.Table, options.File) switch
        {
            ({ } table, _) => new DynamoDbPredictionLog(dynamoDb(), table, ttl, time),
            (_, { } file) => new JsonLinesPredictionLog(file, ttl, time),
            _ => null,
        };
        return log is null ? null : new PredictionRecorder(log, options.SampleRate, random, options.Timeout);
    }

    /// <summary>Draws from the random source only for requests the host did not name.</summary>
    public bool ShouldRecord(InferenceRequest request) =>
        request.PredictionLogKey is not null || (sampleRate > 0 && random() < sampleRate);

    /// <returns>Why the write failed, or null when it succeeded.</returns>
    public Task<string?> RecordAsync(InferenceRequest request, InferenceResponse response, string model, string modelVersion,
        string? errorCode, double latencyMs, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var output = response.StatusCode == 200 ? PredictionOutput.FromResponseBody(response.Body) : null;
            return new PredictionLogEntry
            {
                InputKey = request.PredictionLogKey ?? PredictionKeys.ForInput(request.Body.Span),
                Model = model,
                ModelVersion = modelVersion,
                Status = response.StatusCode,
                ErrorCode = errorCode,
                LatencyMs = latencyMs,
                // The id the caller was answered with (an /infer request's own id, if it gave one) is the id feedback takes.
                RequestId = output?.AnswerId ?? request.RequestId,
                ServerRequestId = request.RequestId,
                InputBytes = request.Body.Length,
                Output = output,
            };
        }, cancellationToken);

    /// <returns>Why the write failed, or null when it succeeded.</returns>
    public Task<string?> RecordAsync(PredictionLogEntry entry, CancellationToken cancellationToken) => WriteAsync(() => entry, cancellationToken);

    private async Task<string?> WriteAsync(Func<PredictionLogEntry> entry, CancellationToken cancellationToken)
    {
        var result = await BestEffort.RunAsync(async t =>
        {
            // The entry is built inside the guard too: nothing about logging may fail the request.
            await log.WriteAsync(entry(), t).ConfigureAwait(false);
            return true;
        }, timeout, cancellationToken).ConfigureAwait(false);
        return result.Error;
    }
}
