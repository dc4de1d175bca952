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
    /// Answers the traced requests in order, /predict ones together (they are <see cref="RequestTrace.Batched"/> then);
    /// every other request is given to <paramref name="handleAlone"/> in its place, so whatever it writes comes where it
    /// would come alone.
    /// </summary>
    /// <param name="handleAlone">All the stages' <see cref="HandleAsync"/>, from the outermost.</param>
    Task<IReadOnlyList<InferenceResponse>> PredictImagesAsync(IReadOnlyList<RequestTrace> traces,
        Func<RequestTrace, CancellationToken, Task<InferenceResponse>> handleAlone, CancellationToken cancellationToken);

    /// <inheritdoc cref="IInferenceService.LogUnservedInputAsync"/>
    Task LogUnservedInputAsync(string inputKey, string modelName, int status, string errorCode, string requestId,
        long inputBytes, CancellationToken cancellationToken);
}
