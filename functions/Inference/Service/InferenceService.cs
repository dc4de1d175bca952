using System.Diagnostics;
using Inference.Caching;
using Inference.Configuration;
using Inference.Feedback;
using Inference.Imaging;
using Inference.Predictions;
using Inference.Protocol;
using Inference.Sessions;
using Inference.Telemetry;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Service;

/// <summary>
/// The core of a model service: the Open Inference Protocol v2 REST API plus the image endpoint, over the models in a
/// <see cref="ModelSessions"/>. It routes, checks the content, micro-batches images and runs the sessions. Bad input
/// becomes a 4xx JSON error. Successful predictions are cached (<see cref="PredictionCache"/>), which cannot fail a
/// request. The predictions log and the telemetry line are stages around it (<see cref="IServiceStage"/>).
/// </summary>
internal sealed class InferenceService : IServiceStage
{
    private static readonly string[] ImageTypes = ["image/jpeg", "image/png", "image/webp"];

    private readonly InferenceOptions _options;
    private readonly ImageDecoder _decoder;
    private readonly Dictionary<string, ImageTensorBuilder> _imageBuilders;
    private readonly PredictionCache? _cache;
    private readonly FeedbackHandler _feedback;

    /// <param name="telemetry">Where the feedback's accuracy metrics go.</param>
    public InferenceService(ModelSessions models, InferenceOptions options, TelemetryWriter telemetry,
        PredictionCache? cache = null, IFeedbackStore? feedbackStore = null)
    {
        _feedback = new FeedbackHandler(feedbackStore, new AccuracyWindow(options.Feedback.WindowSize, options.Feedback.MinimumSamples), telemetry,
            options.Feedback.Timeout);
        Models = models;
        _options = options;
        _cache = cache;
        _decoder = new ImageDecoder(options.MaxImagePixels);
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
                    if (image is not null)
                    {
                        image.Index = index;
                        pending.Add(image);
                    }

                    return answer;
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

    /// <summary>The core keeps no predictions log (<see cref="PredictionLogging"/> does).</summary>
    public Task LogUnservedInputAsync(string inputKey, string modelName, int status, string errorCode, string requestId,
        long inputBytes, CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _cache?.Dispose();
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
        var cacheKey = _cache is null ? null : PredictionKeys.ForInfer(definition, parsed);
        if (await LookUpAsync(cacheKey, id, record, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            return cached;
        }

        var model = await LoadAsync(definition, cancellationToken).ConfigureAwait(false);
        t = Stopwatch.GetTimestamp();
        var inputs = new OrtValue[parsed.Inputs.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = parsed.Inputs[i].Value;
        }

        using var outputs = model.Run(model.InputNames, inputs, parsed.OutputNames, cancellationToken);
        record.InferenceMs = Lap(ref t);
        var body = InferResponseWriter.Write(definition, parsed.OutputNames, outputs);
        record.SerializeMs = Lap(ref t);
        return await AnswerAsync(cacheKey, body, id, record, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<InferenceResponse> PredictAsync(InferenceRequest request, ModelDefinition definition, RequestRecord record, CancellationToken cancellationToken)
    {
        var (answer, prepared) = await PrepareImageAsync(request, definition, record, cancellationToken).ConfigureAwait(false);
        if (prepared is null)
        {
            return answer!;
        }

        using var image = prepared;
        var t = Stopwatch.GetTimestamp();
        using var outputs = image.Model.Run([definition.Inputs[0].Name], [image.Input], [MicroBatch.OutputName(definition)], cancellationToken);
        record.InferenceMs = Lap(ref t);
        return await AnswerImageAsync(image, outputs[0], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Everything /predict does before the model runs.</summary>
    /// <returns>An answer already (a cache hit), or the image's input tensor, ready for the model.</returns>
    private async ValueTask<(InferenceResponse? Answer, PreparedImage? Image)> PrepareImageAsync(InferenceRequest request, ModelDefinition definition,
        RequestRecord record, CancellationToken cancellationToken)
    {
        if (!_imageBuilders.TryGetValue(definition.Name, out var builder))
        {
            throw ApiException.BadRequest(ErrorCodes.PredictNotSupported,
                $"Model '{definition.Name}' has no 'preprocessing' in its model.json, so it takes no images; use /infer with tensors.");
        }

        record.PredictionRoute = true;
        CheckBody(request, definition, isImage: true);
        var cacheKey = _cache is null ? null : PredictionKeys.ForPredict(definition, request.Body.Span);
        if (await LookUpAsync(cacheKey, request.RequestId, record, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            return (cached, null);
        }

        var model = await LoadAsync(definition, cancellationToken).ConfigureAwait(false);
        var t = Stopwatch.GetTimestamp();
        var resize = definition.Config.Preprocessing!.Resize;
        using var image = _decoder.Decode(request.Body, resize.Width, resize.Height);
        record.DecodeMs = Lap(ref t);
        var tensor = builder.Build(image);
        try
        {
            var preprocessed = model.RunPreprocessGraph(tensor.Value, cancellationToken);
            record.PreprocessMs = Lap(ref t);
            return (null, new PreparedImage(request, record, model, cacheKey, tensor, preprocessed));
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
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
                responses[image.Index] = await GuardAsync(traces[image.Index],
                    async () => await AnswerImageAsync(image, output, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
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

    private async ValueTask<InferenceResponse> AnswerImageAsync(PreparedImage image, OrtValue output, CancellationToken cancellationToken)
    {
        var t = Stopwatch.GetTimestamp();
        var body = PredictionWriter.Write(image.Model.Definition, output);
        image.Record.SerializeMs = Lap(ref t);
        return await AnswerAsync(image.CacheKey, body, image.Request.RequestId, image.Record, cancellationToken).ConfigureAwait(false);
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

    /// <returns>The cached answer with this request's id, or null on a miss (or with no cache).</returns>
    private async ValueTask<InferenceResponse?> LookUpAsync(string? key, string id, RequestRecord record, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return null;
        }

        var lookup = await _cache!.GetAsync(key, cancellationToken).ConfigureAwait(false);
        record.CacheError = lookup.Error;
        if (lookup.Value is not { } cached)
        {
            record.Cache = "miss";
            return null;
        }

        record.Cache = "hit";
        record.CacheSource = lookup.Source;
        record.Predicted = true;
        var headers = cached.ContentType == JsonContentType ? HitHeaders
            : new Dictionary<string, string> { ["Content-Type"] = cached.ContentType, ["X-Cache"] = "hit" };
        return new InferenceResponse(200, headers, JsonBody.WithId(cached.Body, id));
    }

    /// <summary>A fresh 200 answer: cached without its id (when there is a cache), then sent with it.</summary>
    private async ValueTask<InferenceResponse> AnswerAsync(string? key, ReadOnlyMemory<byte> bodyWithoutId, string id, RequestRecord record, CancellationToken cancellationToken)
    {
        record.Predicted = true;
        if (key is null)
        {
            return OkResponse(JsonBody.WithId(bodyWithoutId, id));
        }

        var store = await _cache!.SetAsync(key, new CachedPrediction(bodyWithoutId, JsonContentType), cancellationToken).ConfigureAwait(false);
        record.CacheError ??= store.Error;
        record.CacheStoreSkipped = store.SharedSkipped;
        return new InferenceResponse(200, MissHeaders, JsonBody.WithId(bodyWithoutId, id));
    }

    /// <summary>A model that fails to load (lazily) is a 503: the request was fine, the next one retries the load.</summary>
    private async ValueTask<LoadedModel> LoadAsync(ModelDefinition definition, CancellationToken cancellationToken)
    {
        try
        {
            return await Models.GetAsync(definition.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ApiException(503, ErrorCodes.ModelUnavailable, $"Model '{definition.Name}' could not be loaded: {ex.Message}");
        }
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

    private const string JsonContentType = "application/json";

    private static readonly IReadOnlyDictionary<string, string> JsonHeaders =
        new Dictionary<string, string> { ["Content-Type"] = JsonContentType };

    /// <summary>Successful predictions say whether the cache answered (documented in functions/README.md).</summary>
    private static readonly IReadOnlyDictionary<string, string> HitHeaders =
        new Dictionary<string, string> { ["Content-Type"] = JsonContentType, ["X-Cache"] = "hit" };

    private static readonly IReadOnlyDictionary<string, string> MissHeaders =
        new Dictionary<string, string> { ["Content-Type"] = JsonContentType, ["X-Cache"] = "miss" };

    private static InferenceResponse OkResponse(ReadOnlyMemory<byte> body) => new(200, JsonHeaders, body);

    private static ValueTask<InferenceResponse> Ok(ReadOnlyMemory<byte> body) => ValueTask.FromResult(OkResponse(body));

    private static double Lap(ref long timestamp)
    {
        var now = Stopwatch.GetTimestamp();
        var ms = Stopwatch.GetElapsedTime(timestamp, now).TotalMilliseconds;
        timestamp = now;
        return ms;
    }
}
