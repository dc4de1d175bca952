namespace Inference.Service;

/// <summary>
/// An HTTP-shaped request, independent of how it arrived (API Gateway v1/v2 event,
/// function URL, or the local gateway). Header names are case-insensitive.
/// </summary>
public sealed record InferenceRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    ReadOnlyMemory<byte> Body,
    string RequestId)
{
    /// <summary>
    /// Set by a host that processes named inputs (the batch pattern: the S3 object's key). The prediction is then
    /// always written to the predictions log under this key, instead of sampled under the body's hash.
    /// </summary>
    public string? PredictionLogKey { get; init; }

    /// <summary>True when a traffic split sends this request to a candidate after the client was answered (shadow mode).</summary>
    public bool Shadow { get; init; }
}

/// <summary>
/// The service's answer. <see cref="Body"/> holds raw bytes; the event adapter decides
/// whether the transport needs base64 (for a non-text content type).
/// </summary>
public sealed record InferenceResponse(
    int StatusCode,
    IReadOnlyDictionary<string, string> Headers,
    ReadOnlyMemory<byte> Body);

/// <summary>
/// The seam between the Lambda runtime host (events, deadlines, error reporting)
/// and the inference application (models, protocol, telemetry).
/// </summary>
public interface IInferenceService
{
    /// <summary>Loads the configured models (if not yet loaded) without predicting.</summary>
    Task WarmUpAsync(CancellationToken cancellationToken);

    /// <summary>Handles one HTTP-shaped request. Bad input yields a 4xx response, never an exception.</summary>
    Task<InferenceResponse> HandleAsync(InferenceRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Answers many /predict requests, each exactly as <see cref="HandleAsync"/> would answer it alone, in the same order.
    /// A service may run the images through the model together; this default handles them one by one.
    /// </summary>
    async Task<IReadOnlyList<InferenceResponse>> PredictImagesAsync(IReadOnlyList<InferenceRequest> requests, CancellationToken cancellationToken)
    {
        var responses = new List<InferenceResponse>(requests.Count);
        foreach (var request in requests)
        {
            responses.Add(await HandleAsync(request, cancellationToken).ConfigureAwait(false));
        }

        return responses;
    }

    /// <summary>
    /// Records, in the predictions log, a batch input that never reached the model (its object was gone, or its type
    /// cannot be predicted), under the input's key. Never throws. A service without a predictions log does nothing.
    /// </summary>
    Task LogUnservedInputAsync(string inputKey, string modelName, int status, string errorCode, string requestId,
        long inputBytes, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Work deferred until the client has its answer (shadow calls to a candidate model). The Lambda host calls it after
    /// posting the response and before asking for the next event, so the client never waits for it. Never throws,
    /// except for cancellation when the invocation's deadline comes.
    /// </summary>
    Task RunAfterResponseAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
