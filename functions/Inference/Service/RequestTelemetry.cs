using Inference.Telemetry;

namespace Inference.Service;

/// <summary>Writes each request's telemetry line (log and metrics, <see cref="TelemetryWriter.WriteRequest"/>) once it is answered.</summary>
internal sealed class RequestTelemetry(IServiceStage inner, TelemetryWriter telemetry) : IServiceStage
{
    public async Task<InferenceResponse> HandleAsync(RequestTrace trace, CancellationToken cancellationToken)
    {
        var response = await inner.HandleAsync(trace, cancellationToken).ConfigureAwait(false);
        Write(trace, response);
        return response;
    }

    public async Task<IReadOnlyList<InferenceResponse>> PredictImagesAsync(IReadOnlyList<RequestTrace> traces,
        Func<RequestTrace, CancellationToken, Task<InferenceResponse>> handleAlone, CancellationToken cancellationToken)
    {
        var responses = await inner.PredictImagesAsync(traces, handleAlone, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < traces.Count; i++)
        {
            if (traces[i].Batched)
            {
                Write(traces[i], responses[i]);
            }
        }

        return responses;
    }

    public Task LogUnservedInputAsync(string inputKey, string modelName, int status, string errorCode, string requestId,
        long inputBytes, CancellationToken cancellationToken) =>
        inner.LogUnservedInputAsync(inputKey, modelName, status, errorCode, requestId, inputBytes, cancellationToken);

    public void Dispose() => inner.Dispose();

    private void Write(RequestTrace trace, InferenceResponse response)
    {
        var record = trace.Record;
        record.Status = response.StatusCode;
        record.ResponseBytes = response.Body.Length;
        record.TotalMs = trace.ElapsedMs;
        telemetry.WriteRequest(record);
    }
}
