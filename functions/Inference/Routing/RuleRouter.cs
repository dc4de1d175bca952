using Inference.Service;
using Inference.Protocol;

namespace Inference.Routing;

/// <summary>
/// Answers requests to the router's own model name (<c>/v2/models/{router}/infer</c> or <c>/predict</c>) by its request-type
/// rules: the first rule that matches picks the model (or ensemble), and the request goes on to it as if it had named it.
/// The answer says where it went in <c>X-Routed-To</c>. Everything else passes through unchanged.
/// </summary>
public sealed class RuleRouter(IInferenceService inner, RouterDefinition router) : IInferenceService, IDisposable
{
    public const string RoutedHeader = "X-Routed-To";
    public const string NoRouteCode = "no_matching_rule";

    public RouterDefinition Definition => router;

    public Task WarmUpAsync(CancellationToken cancellationToken) => inner.WarmUpAsync(cancellationToken);

    public async Task<InferenceResponse> HandleAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var route = Route.Parse(request.Path);
        if (route.Model != router.Name)
        {
            return await inner.HandleAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (route.Kind == RouteKind.ModelMetadata && route.Version is null)
        {
            return new InferenceResponse(200, JsonHeaders, Metadata());
        }

        if (route.Kind is not (RouteKind.Infer or RouteKind.Predict) || route.Version is not null)
        {
            return new InferenceResponse(404, JsonHeaders, ProtocolBodies.Error(ErrorCodes.NotFound,
                $"'{router.Name}' is the router: it answers GET /v2/models/{router.Name} (its rules) and POST /v2/models/{router.Name}/infer or /predict, without a version."));
        }

        var parameters = new RequestParameters(request);
        var target = router.Rules.FirstOrDefault(rule => rule.Matches(request, parameters))?.Model ?? router.Default;
        if (target is null)
        {
            return new InferenceResponse(400, JsonHeaders, ProtocolBodies.Error(NoRouteCode,
                $"No rule of router '{router.Name}' matches this request (Content-Type '{RequestHeaders.MediaType(request.Headers)}'), and it has no default; " +
                $"the rules: {string.Join("; ", router.Rules.Select(r => $"{r.Describe()} -> {r.Model}"))}."));
        }

        var action = route.Kind == RouteKind.Infer ? "infer" : "predict";
        var response = await inner.HandleAsync(request with { Path = $"/v2/models/{target}/{action}" }, cancellationToken).ConfigureAwait(false);
        return response with { Headers = new Dictionary<string, string>(response.Headers) { [RoutedHeader] = target } };
    }

    public Task<IReadOnlyList<InferenceResponse>> PredictImagesAsync(IReadOnlyList<InferenceRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return requests.Any(r => Route.Parse(r.Path).Model == router.Name)
            ? OneByOneAsync(requests, cancellationToken)
            : inner.PredictImagesAsync(requests, cancellationToken);
    }

    public Task LogUnservedInputAsync(string inputKey, string modelName, int status, string errorCode, string requestId, long inputBytes,
        CancellationToken cancellationToken) =>
        inner.LogUnservedInputAsync(inputKey, modelName, status, errorCode, requestId, inputBytes, cancellationToken);

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private async Task<IReadOnlyList<InferenceResponse>> OneByOneAsync(IReadOnlyList<InferenceRequest> requests, CancellationToken cancellationToken)
    {
        var responses = new List<InferenceResponse>(requests.Count);
        foreach (var request in requests)
        {
            responses.Add(await HandleAsync(request, cancellationToken).ConfigureAwait(false));
        }

        return responses;
    }

    private ReadOnlyMemory<byte> Metadata() => JsonBody.WriteObject(w =>
    {
        w.WriteString("name", router.Name);
        w.WriteString("platform", "router");
        w.WriteStartArray("rules");
        foreach (var rule in router.Rules)
        {
            w.WriteStartObject();
            w.WriteString("match", rule.Describe());
            w.WriteString("model", rule.Model);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (router.Default is { } fallback)
        {
            w.WriteString("default", fallback);
        }
    });

    private static readonly IReadOnlyDictionary<string, string> JsonHeaders =
        new Dictionary<string, string> { ["Content-Type"] = "application/json" };
}
