namespace Inference.Service;

/// <summary>
/// One stage of a model service (<see cref="ModelService"/>): the core (<see cref="InferenceService"/>) answers a
/// traced request, and each stage around it adds one concern (<see cref="PredictionLogging"/>,
/// <see cref="RequestTelemetry"/>), reading and filling in the request's <see cref="RequestTrace"/>.
/// </summary>
internal interface IServiceStage : IDisposable
{
    Task<InferenceResponse> HandleAsync(RequestTrace trace, CancellationToken cancellationToken);

    /// <summary>
    /// Answers the traced requests in order, /predict ones together (the core marks them <see cref="RequestTrace.Batched"/>);
    /// every other request is given to <paramref name="handleAlone"/> in its place, so whatever it writes comes where it
    /// would come alone. The stages around the core pass this on: they finish a batched request in <see cref="FinishBatchedAsync"/>.
    /// </summary>
    /// <param name="handleAlone">All the stages' <see cref="HandleAsync"/>, from the outermost.</param>
    Task<IReadOnlyList<InferenceResponse>> PredictImagesAsync(IReadOnlyList<RequestTrace> traces,
        Func<RequestTrace, CancellationToken, Task<InferenceResponse>> handleAlone, CancellationToken cancellationToken);

    /// <summary>
    /// Does for the answer to a batched request what <see cref="HandleAsync"/> does after the core has answered a request
    /// alone; the core itself has nothing left to do.
    /// </summary>
    Task<InferenceResponse> FinishBatchedAsync(RequestTrace trace, InferenceResponse response, CancellationToken cancellationToken);

    /// <inheritdoc cref="IInferenceService.LogUnservedInputAsync"/>
    Task LogUnservedInputAsync(string inputKey, string modelName, int status, string errorCode, string requestId,
        long inputBytes, CancellationToken cancellationToken);
}
