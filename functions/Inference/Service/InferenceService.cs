using System.Diagnostics;
using Inference.Contracts;
using Inference.Feedback;
using Inference.Imaging;
using Inference.Protocol;
using Inference.Sessions;
using Inference.Telemetry;
using Microsoft.ML.OnnxRuntime;
using static Inference.Service.Laps;

namespace Inference.Service;

/// <summary>
/// The core of a model service: the Open Inference Protocol v2 REST API plus the image endpoint, over the models in a
/// <see cref="ModelSessions"/>. It routes, checks the content, parses, micro-batches images and answers; bad input becomes
/// a 4xx JSON error. The prediction itself is its <see cref="IPredictionStep"/> (the sessions, maybe behind the
/// prediction cache); the predictions log and the telemetry line are stages around it (<see cref="IServiceStage"/>).
/// </summary>
internal sealed class InferenceService : IServiceStage
{
    private static readonly string[] ImageTypes = ["image/jpeg", "image/png", "image/webp"];

    private readonly InferenceOptions _options;
    private readonly Dictionary<string, ImageTensorBuilder> _imageBuilders;
    private readonly IPredictionStep _predictions;
    private readonly FeedbackHandler _feedback;
    private readonly ImageBatching _dynamicBatching;

    /// <param name="telemetry">Where the feedback's accuracy metrics go.</param>
    public InferenceService(ModelSessions models, InferenceOptions options, IPredictionStep predictions, TelemetryWriter telemetry,
        IFeedbackStore? feedbackStore = null)
    {
        _feedback = new FeedbackHandler(feedbackStore, new AccuracyWindow(options.Feedback.WindowSize, options.Feedback.MinimumSamples), telemetry,
            options.Feedback.Timeout);
        Models = models;
        _options = options;
        _predictions = predictions;
        _dynamicBatching = new ImageBatching(options.DynamicBatch, TimeProvider.System);
        _imageBuilders = models.Definitions
            .Where(d => d.Config.Preprocessing is not null)
            .ToDictionary(d => d.Name, d => new ImageTensorBuilder(d.Config.Preprocessing!), StringComparer.Ordinal);
    }

    public ModelSessions Models { get; }

    public async Task<InferenceResponse> HandleAsync(RequestTrace trace, CancellationToken cancellationToken) =>
        (await GuardAsync(trace, async () => await RouteAsync(trace.Request, trace.Record, cancellationToken).ConfigureAwait(false))
            .ConfigureAwait(false))!;

    /// <summary>
    /// The decoded images of a model whose first input dimension is dynamic run through the session in chunks of at most
    /// <see cref="InferenceOptions.BatchMaxSize"/>, other models run once per image; a bad image gets its own 4xx.
    /// </summary>
    public async Task<IReadOnlyList<InferenceResponse>> PredictImagesAsync(IReadOnlyList<RequestTrace> traces,
        Func<RequestTrace, CancellationToken, Task<InferenceResponse>> handleAlone, CancellationToken cancellationToken)
    {
        var responses = new InferenceResponse?[traces.Count];
        var pending = new List<PreparedImage>();
        try
        {
            for (var i = 0; i < traces.Count; i++)
            {
                var trace = traces[i];
                trace.Restart();
                if (Route.Parse(trace.Request.Path).Kind != RouteKind.Predict)
                {
                    responses[i] = await handleAlone(trace, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var index = i;
                trace.Batched = true;
                responses[i] = await GuardAsync(trace, async () =>
                {
                    var (definition, _) = ResolveRoute(trace.Request, trace.Record);
                    var (answer, image) = await PrepareImageAsync(trace.Request, definition!, trace.Record, cancellationToken).ConfigureAwait(false);
                    if (image is null)
                    {
                        return Answer(answer!.Value, trace.Request.RequestId, trace.Record);
                    }

                    image.Index = index;
                    pending.Add(image);
                    return null;
                }).ConfigureAwait(false);
            }

            foreach (var group in pending.GroupBy(p => p.Model))
            {
                var chunkSize = MicroBatch.CanStack(group.Key.Definition) ? _options.BatchMaxSize : 1;
                foreach (var chunk in group.Chunk(chunkSize))
                {
                    await PredictChunkAsync(chunk, traces, responses, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            foreach (var image in pending)
            {
                image.Dispose();
            }
        }

        return responses!;
    }

    public Task<InferenceResponse> FinishBatchedAsync(RequestTrace trace, InferenceResponse response, CancellationToken cancellationToken) =>
        Task.FromResult(response);

    /// <summary>The core keeps no predictions log (<see cref="PredictionLogging"/> does).</summary>
    public Task LogUnservedInputAsync(string inputKey, string modelName, int status, string errorCode, string requestId,
        long inputBytes, CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _dynamicBatching.Dispose();
        _predictions.Dispose();
        Models.Dispose();
    }

    private ValueTask<InferenceResponse> RouteAsync(InferenceRequest request, RequestRecord record, CancellationToken cancellationToken)
    {
        var (model, route) = ResolveRoute(request, record);
        return route.Kind switch
        {
            RouteKind.ServerMetadata => Ok(ProtocolBodies.ServerMetadata()),
            RouteKind.Live => Ok(ProtocolBodies.Live()),
            RouteKind.Ready => Readiness(Models.AllLoaded || !_options.EagerLoading, null),
            RouteKind.ModelMetadata => Ok(ProtocolBodies.ModelMetadata(model!)),
            RouteKind.ModelReady => Readiness(Models.IsLoaded(model!.Name), model.Name),
            RouteKind.Infer => InferAsync(request, model!, record, cancellationToken),
            RouteKind.Predict => PredictAsync(request, model!, record, cancellationToken),
            RouteKind.Feedback => _feedback.HandleAsync(request, model!, cancellationToken),
            _ => throw new InvalidOperationException($"route {route.Kind} has no handler"),
        };
    }

    /// <returns>The route and the model it names (null for server-level routes).</returns>
    private (ModelDefinition? Model, Route Route) ResolveRoute(InferenceRequest request, RequestRecord record)
    {
        var route = Route.Parse(request.Path);
        if (route.Kind == RouteKind.NotFound)
        {
            throw new ApiException(404, ErrorCodes.NotFound, $"No endpoint at '{request.Path}'; see the Open Inference Protocol v2 paths under /v2.");
        }

        if (!string.Equals(request.Method, route.AllowedMethod, StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiException(405, ErrorCodes.MethodNotAllowed, $"{request.Method} is not allowed on '{request.Path}'; use {route.AllowedMethod}.");
        }

        return (route.Model is null ? null : Resolve(route, record), route);
    }

    private ModelDefinition Resolve(Route route, RequestRecord record)
    {
        if (!Models.TryGetDefinition(route.Model!, out var model))
        {
            throw new ApiException(404, ErrorCodes.ModelNotFound,
                $"Model '{route.Model}' is not served here; available: {string.Join(", ", Models.Definitions.Select(d => d.Name))}.");
        }

        record.Model = model.Name;
        record.ModelVersion = model.Version;
        if (route.Version is not null && route.Version != model.Version)
        {
            throw new ApiException(404, ErrorCodes.ModelVersionNotFound,
                $"Model '{model.Name}' has no version '{route.Version}'; the version served is {model.Version}.");
        }

        return model;
    }

    private async ValueTask<InferenceResponse> InferAsync(InferenceRequest request, ModelDefinition definition, RequestRecord record, CancellationToken cancellationToken)
    {
        record.PredictionRoute = true;
        CheckBody(request, definition, isImage: false);
        var t = Stopwatch.GetTimestamp();
        using var parsed = InferRequestParser.Parse(request.Body, definition);
        record.DecodeMs = Lap(ref t);
        var id = RequestIds.ForAnswer(parsed.Id, request.RequestId);
        return Answer(await _predictions.InferAsync(definition, parsed, record, cancellationToken).ConfigureAwait(false), id, record);
    }

    private async ValueTask<InferenceResponse> PredictAsync(InferenceRequest request, ModelDefinition definition, RequestRecord record, CancellationToken cancellationToken)
    {
        var (answer, prepared) = await PrepareImageAsync(request, definition, record, cancellationToken).ConfigureAwait(false);
        if (prepared is null)
        {
            return Answer(answer!.Value, request.RequestId, record);
        }

        if (_dynamicBatching.For(prepared.Model) is { } batcher)
        {
            // Shares a model run with concurrent requests; latencyMs.inference is then the shared run, batchSize its size. The
            // batcher owns the image from here and frees it after its run (answering reads only its request and record).
            var batched = await batcher.RunAsync(prepared, cancellationToken).ConfigureAwait(false);
            using var output = batched.Value;
            record.InferenceMs = batched.RunMs;
            record.BatchSize = batched.BatchSize;
            return Answer(await _predictions.AnswerImageAsync(prepared, output, cancellationToken).ConfigureAwait(false), request.RequestId, record);
        }

        using var image = prepared;

        var t = Stopwatch.GetTimestamp();
        using var outputs = image.Model.Run([definition.Inputs[0].Name], [image.Input], [MicroBatch.OutputName(definition)], cancellationToken);
        record.InferenceMs = Lap(ref t);
        return Answer(await _predictions.AnswerImageAsync(image, outputs[0], cancellationToken).ConfigureAwait(false), request.RequestId, record);
    }

    /// <inheritdoc cref="IPredictionStep.PrepareImageAsync"/>
    private ValueTask<(PredictionAnswer? Answer, PreparedImage? Image)> PrepareImageAsync(InferenceRequest request, ModelDefinition definition,
        RequestRecord record, CancellationToken cancellationToken)
    {
        if (!_imageBuilders.TryGetValue(definition.Name, out var builder))
        {
            throw ApiException.BadRequest(ErrorCodes.PredictNotSupported,
                $"Model '{definition.Name}' has no 'preprocessing' in its model.json, so it takes no images; use /infer with tensors.");
        }

        record.PredictionRoute = true;
        CheckBody(request, definition, isImage: true);
        return _predictions.PrepareImageAsync(request, definition, builder, record, cancellationToken);
    }

    /// <summary>
    /// Runs one chunk of prepared images through the model and answers each. A failed run is a 500 for every item in it
    /// (one bad item can fail its whole chunk's run), saying so; the other chunks are unaffected.
    /// </summary>
    private async Task PredictChunkAsync(PreparedImage[] chunk, IReadOnlyList<RequestTrace> traces, InferenceResponse?[] responses, CancellationToken cancellationToken)
    {
        IReadOnlyList<OrtValue> outputs;
        var t = Stopwatch.GetTimestamp();
        try
        {
            outputs = chunk.Length == 1 ? MicroBatch.RunOne(chunk[0], cancellationToken) : MicroBatch.RunStacked(chunk, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            foreach (var image in chunk)
            {
                image.Record.BatchSize = chunk.Length;
                responses[image.Index] = Error(image.Record, 500, ErrorCodes.InternalError,
                    $"The model run for this image's micro-batch of {chunk.Length} image(s) failed: {ex.GetType().Name}: {ex.Message}");
            }

            return;
        }

        var inferenceMs = Lap(ref t);
        try
        {
            for (var k = 0; k < chunk.Length; k++)
            {
                var (image, output) = (chunk[k], outputs[k]);
                image.Record.InferenceMs = inferenceMs;
                image.Record.BatchSize = chunk.Length;
                responses[image.Index] = await GuardAsync(traces[image.Index], async () =>
                    Answer(await _predictions.AnswerImageAsync(image, output, cancellationToken).ConfigureAwait(false), image.Request.RequestId,
                        image.Record)).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var output in outputs)
            {
                output.Dispose();
            }
        }
    }

    /// <summary>Turns bad input into its 4xx answer and any other fault into a 500; only cancellation escapes.</summary>
    private static async ValueTask<InferenceResponse?> GuardAsync(RequestTrace trace, Func<ValueTask<InferenceResponse?>> handle)
    {
        try
        {
            return await handle().ConfigureAwait(false);
        }
        catch (ApiException ex)
        {
            return Error(trace.Record, ex.StatusCode, ex.Code, ex.Message, ex.StatusCode == 405 ? AllowHeader(trace.Request.Path) : null, ex.LogMessage, ex.Details);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Error(trace.Record, 500, ErrorCodes.InternalError, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>A 200 with the prediction's answer under this request's id; a successful prediction says whether the cache answered it.</summary>
    private static InferenceResponse Answer(PredictionAnswer answer, string id, RequestRecord record)
    {
        record.Predicted = true;
        var headers = (answer.ContentType, answer.Cache) switch
        {
            (PredictionAnswer.JsonContentType, null) => JsonHeaders,
            (PredictionAnswer.JsonContentType, "hit") => HitHeaders,
            (PredictionAnswer.JsonContentType, "miss") => MissHeaders,
            (var type, null) => new Dictionary<string, string> { ["Content-Type"] = type },
            (var type, var cache) => new Dictionary<string, string> { ["Content-Type"] = type, ["X-Cache"] = cache },
        };
        return new InferenceResponse(200, headers, JsonBody.WithId(answer.BodyWithoutId, id));
    }

    private void CheckBody(InferenceRequest request, ModelDefinition model, bool isImage)
    {
        if (request.Body.Length > _options.MaxBodyBytes)
        {
            throw new ApiException(413, ErrorCodes.PayloadTooLarge,
                $"The body has {request.Body.Length} bytes; at most {_options.MaxBodyBytes} are accepted.");
        }

        var contentType = RequestHeaders.MediaType(request.Headers);
        var accepted = isImage ? ImageTypes.Contains(contentType) : contentType is null or "application/json";
        if (!accepted)
        {
            throw new ApiException(415, ErrorCodes.UnsupportedMediaType,
                $"Content-Type '{contentType}' is not accepted here; use " +
                (isImage ? string.Join(", ", ImageTypes) : "application/json") + $" for model '{model.Name}'.");
        }

        if (request.Body.IsEmpty)
        {
            throw ApiException.BadRequest(ErrorCodes.EmptyBody,
                isImage ? "The body is empty; send the image bytes." : "The body is empty; send an infer request as JSON.");
        }
    }

    private static ValueTask<InferenceResponse> Readiness(bool ready, string? model) =>
        ValueTask.FromResult(new InferenceResponse(ready ? 200 : 503, JsonHeaders, ProtocolBodies.Readiness(ready, model)));

    /// <param name="logMessage">What the request's log line says; the client's <paramref name="message"/> when null.</param>
    private static InferenceResponse Error(RequestRecord record, int status, string code, string message,
        IReadOnlyDictionary<string, string>? headers = null, string? logMessage = null, Action<System.Text.Json.Utf8JsonWriter>? details = null)
    {
        record.ErrorCode = code;
        record.ErrorMessage = logMessage ?? message;
        return new InferenceResponse(status, headers ?? JsonHeaders, ProtocolBodies.Error(code, message, details));
    }

    private static IReadOnlyDictionary<string, string> AllowHeader(string path) =>
        new Dictionary<string, string>(JsonHeaders) { ["Allow"] = Route.Parse(path).AllowedMethod };

    private static readonly IReadOnlyDictionary<string, string> JsonHeaders =
        new Dictionary<string, string> { ["Content-Type"] = PredictionAnswer.JsonContentType };

    /// <summary>Successful predictions say whether the cache answered (documented in functions/README.md).</summary>
    private static readonly IReadOnlyDictionary<string, string> HitHeaders =
        new Dictionary<string, string> { ["Content-Type"] = PredictionAnswer.JsonContentType, ["X-Cache"] = "hit" };

    private static readonly IReadOnlyDictionary<string, string> MissHeaders =
        new Dictionary<string, string> { ["Content-Type"] = PredictionAnswer.JsonContentType, ["X-Cache"] = "miss" };

    private static ValueTask<InferenceResponse> Ok(ReadOnlyMemory<byte> body) => ValueTask.FromResult(new InferenceResponse(200, JsonHeaders, body));
}
