using Inference.Sessions;

namespace Inference.Service;

/// <summary>
/// One model service, as <see cref="InferenceServiceFactory"/> composes it: the models of one source, answered by
/// <see cref="InferenceService"/> inside its stages (<see cref="IServiceStage"/>). It gives each request its
/// <see cref="RequestTrace"/>; the first request that is not a shadow call is the cold start.
/// </summary>
public sealed class ModelService : IInferenceService, IDisposable
{
    private readonly IServiceStage _stages;
    private int _requestsSeen;

    internal ModelService(ModelSessions models, IServiceStage stages)
    {
        Models = models;
        _stages = stages;
    }

    /// <summary>The models served; benchmarks reach a model's bare session through it.</summary>
    public ModelSessions Models { get; }

    public Task WarmUpAsync(CancellationToken cancellationToken) => Models.LoadAllAsync(cancellationToken);

    public Task<InferenceResponse> HandleAsync(InferenceRequest request, CancellationToken cancellationToken) =>
        _stages.HandleAsync(Trace(request), cancellationToken);

    /// <summary>
    /// Predicts many images at once. Each item is answered and logged exactly as <see cref="HandleAsync"/> would answer it alone
    /// (a bad image gets its own 4xx); the decoded images of a model whose first input dimension is dynamic run through the
    /// session in chunks of at most <see cref="InferenceOptions.BatchMaxSize"/>, other models run once per image.
    /// Requests that are not /predict are handled one by one, in their place.
    /// </summary>
    public async Task<IReadOnlyList<InferenceResponse>> PredictImagesAsync(IReadOnlyList<InferenceRequest> requests, CancellationToken cancellationToken)
    {
        RequestTrace[] traces = [.. requests.Select(Trace)];
        var responses = await _stages.PredictImagesAsync(traces, _stages.HandleAsync, cancellationToken).ConfigureAwait(false);
        var finished = new InferenceResponse[traces.Length];
        for (var i = 0; i < traces.Length; i++)
        {
            // The other requests were finished in their place.
            finished[i] = traces[i].Batched
                ? await _stages.FinishBatchedAsync(traces[i], responses[i], cancellationToken).ConfigureAwait(false)
                : responses[i];
        }

        return finished;
    }

    /// <summary>
    /// For a batch host whose input never reached the model (the S3 object was gone, or its type cannot be predicted):
    /// writes that outcome to the predictions log under the input's key, so every input has its log item. Does nothing
    /// without a predictions log. A failed write never throws: it is written as a WARN line with <c>PredictionLogErrors</c>.
    /// </summary>
    public Task LogUnservedInputAsync(string inputKey, string modelName, int status, string errorCode, string requestId,
        long inputBytes, CancellationToken cancellationToken) =>
        _stages.LogUnservedInputAsync(inputKey, modelName, status, errorCode, requestId, inputBytes, cancellationToken);

    public void Dispose() => _stages.Dispose();

    private RequestTrace Trace(InferenceRequest request) =>
        new(request, coldStart: !request.Shadow && Interlocked.Increment(ref _requestsSeen) == 1);
}
