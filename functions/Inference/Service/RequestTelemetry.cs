using Inference.Telemetry;

namespace Inference.Service;

/// <summary>Writes each request's telemetry line (log and metrics, <see cref="TelemetryWriter.WriteRequest"/>) once it is answered.</summary>
internal sealed class RequestTelemetry(IServiceStage inner, TelemetryWriter telemetry) : IServiceStage
{
    public async Task<InferenceResponse> HandleAsync(RequestTrace trace, CancellationToken cancellationToken) =>
        Written(trace, await inner.HandleAsync(trace, cancellationToken).ConfigureAwait(false));

    public Task<IReadOnlyList<InferenceResponse>> PredictImagesAsync(IReadOnlyList<RequestTrace> traces,
        Func<RequestTrace, CancellationToken, Task<InferenceResponse>> handleAlone, CancellationToken cancellationToken) =>
        inner.PredictImagesAsync(traces, handleAlone, cancellationToken);

    public async Task<InferenceResponse> FinishBatchedAsync(RequestTrace trace, InferenceResponse response, CancellationToken cancellationToken) =>
        Written(trace, await inner.FinishBatchedAsync(trace, response, cancellationToken).ConfigureAwait(false));

    public Task LogUnservedInputAsync(string inputKey, string modelName, int status, string errorCode, string requestId,
        long inputBytes, CancellationToken cancellationToken) =>
        inner.LogUnservedInputAsync(inputKey, modelName, status, errorCode, requestId, inputBytes, cancellationToken);

    public void Dispose() => inner.Dispose();

    private InferenceResponse Written(RequestTrace trace, InferenceResponse response)
    {
        var record = trace.Record;
        record.Status = response.StatusCode;
        record.ResponseBytes = response.Body.Length;
        record.TotalMs = trace.ElapsedMs;
        telemetry.WriteRequest(record);
        return response;
    }
}
