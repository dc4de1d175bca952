using Inference.Predictions;
using Inference.Sessions;
using Inference.Telemetry;

namespace Inference.Service;

/// <summary>
/// Writes answered predictions (infer and predict on a served model) to the predictions log, as its
/// <see cref="PredictionRecorder"/> samples them, and the batch inputs that never reached a model. A failed write never
/// fails the request: it is in the request's record (<see cref="RequestRecord.PredictionLogError"/>), or its own WARN line.
/// </summary>
internal sealed class PredictionLogging(IServiceStage inner, PredictionRecorder recorder, ModelSessions models, TelemetryWriter telemetry)
    : IServiceStage
{
    public async Task<InferenceResponse> HandleAsync(RequestTrace trace, CancellationToken cancellationToken)
    {
        var response = await inner.HandleAsync(trace, cancellationToken).ConfigureAwait(false);
        return await RecordedAsync(trace, response, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<InferenceResponse>> PredictImagesAsync(IReadOnlyList<RequestTrace> traces,
        Func<RequestTrace, CancellationToken, Task<InferenceResponse>> handleAlone, CancellationToken cancellationToken) =>
        inner.PredictImagesAsync(traces, handleAlone, cancellationToken);

    public async Task<InferenceResponse> FinishBatchedAsync(RequestTrace trace, InferenceResponse response, CancellationToken cancellationToken)
    {
        var finished = await inner.FinishBatchedAsync(trace, response, cancellationToken).ConfigureAwait(false);
        return await RecordedAsync(trace, finished, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the outcome under the input's key, so every input of a batch host has its log item.</summary>
    public async Task LogUnservedInputAsync(string inputKey, string modelName, int status, string errorCode, string requestId,
        long inputBytes, CancellationToken cancellationToken)
    {
        var version = models.TryGetDefinition(modelName, out var model) ? model.Version : TelemetryWriter.NoModel;
        var error = await recorder.RecordAsync(new PredictionLogEntry
        {
            InputKey = inputKey,
            Model = modelName,
            ModelVersion = version,
            Status = status,
            ErrorCode = errorCode,
            LatencyMs = 0,
            RequestId = requestId,
            InputBytes = inputBytes,
        }, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            telemetry.WritePredictionLogError(modelName, version, inputKey, error);
        }
    }

    public void Dispose() => inner.Dispose();

    private async Task<InferenceResponse> RecordedAsync(RequestTrace trace, InferenceResponse response, CancellationToken cancellationToken)
    {
        var record = trace.Record;
        if (record.PredictionRoute && recorder.ShouldRecord(trace.Request))
        {
            record.PredictionLogError = await recorder.RecordAsync(trace.Request, response, record.Model!, record.ModelVersion!,
                record.ErrorCode, trace.ElapsedMs, cancellationToken).ConfigureAwait(false);
            record.PredictionLogged = record.PredictionLogError is null;
        }

        return response;
    }
}
