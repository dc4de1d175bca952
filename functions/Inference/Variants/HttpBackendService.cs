using System.Diagnostics;
using System.Net.Http.Headers;
using Inference.Service;
using Inference.Protocol;
using Inference.Telemetry;

namespace Inference.Variants;

/// <summary>
/// An existing HTTP model endpoint as one variant of a split (the legacy backend of a migration): the request's
/// method, path and body go to <c>{url}{path}</c> with its Content-Type (never the client's API key or other headers),
/// and the backend's answer comes back as it is. A backend that cannot be reached or answers 5xx is a 502, one that
/// does not answer in time a 504, each with a JSON body naming the backend. Each call writes its request line.
/// </summary>
public sealed class HttpBackendService(VariantSpec spec, HttpClient http, TelemetryWriter telemetry) : IInferenceService
{
    public const string Unreachable = "backend_unreachable";
    public const string Failed = "backend_error";
    public const string TimedOut = "backend_timeout";

    private static readonly IReadOnlyDictionary<string, string> JsonHeaders = new Dictionary<string, string> { ["Content-Type"] = "application/json" };

    public Task WarmUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<InferenceResponse> HandleAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var route = Route.Parse(request.Path);
        var record = new RequestRecord(request.RequestId, request.Method, request.Path, request.Body.Length)
        {
            Model = route.Model,
            ModelVersion = spec.Version,
            Shadow = request.Shadow,
        };
        var response = await ForwardAsync(request, record, cancellationToken).ConfigureAwait(false);
        record.Status = response.StatusCode;
        record.ResponseBytes = response.Body.Length;
        record.Predicted = response.StatusCode == 200 && route.Kind is RouteKind.Infer or RouteKind.Predict;
        record.TotalMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        telemetry.WriteRequest(record);
        return response;
    }

    private async Task<InferenceResponse> ForwardAsync(InferenceRequest request, RequestRecord record, CancellationToken cancellationToken)
    {
        var target = new Uri(spec.Url!.AbsoluteUri.TrimEnd('/') + "/" + request.Path.TrimStart('/'));
        var name = $"'{spec.Name}' ({spec.Url.GetLeftPart(UriPartial.Authority)})";
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(spec.TimeoutMs);
        try
        {
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), target);
            if (request.Body.Length > 0 || request.Method is "POST" or "PUT")
            {
                message.Content = new ReadOnlyMemoryContent(request.Body);
                if (RequestHeaders.Get(request.Headers, "content-type") is { } contentType
                    && MediaTypeHeaderValue.TryParse(contentType, out var parsed))
                {
                    message.Content.Headers.ContentType = parsed;
                }
            }

            using var answer = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, limit.Token).ConfigureAwait(false);
            var body = await answer.Content.ReadAsByteArrayAsync(limit.Token).ConfigureAwait(false);
            var status = (int)answer.StatusCode;
            if (status >= 500)
            {
                return Error(record, 502, Failed, $"The backend {name} answered {status} {answer.ReasonPhrase}.");
            }

            var headers = new Dictionary<string, string>();
            if (answer.Content.Headers.ContentType is { } type)
            {
                headers["Content-Type"] = type.ToString();
            }

            return new InferenceResponse(status, headers, body);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Error(record, 504, TimedOut, $"The backend {name} did not answer within {spec.TimeoutMs} ms.");
        }
        catch (HttpRequestException ex)
        {
            return Error(record, 502, Unreachable, $"The backend {name} could not be reached: {ex.Message}");
        }
    }

    private static InferenceResponse Error(RequestRecord record, int status, string code, string message)
    {
        record.ErrorCode = code;
        record.ErrorMessage = message;
        return new InferenceResponse(status, JsonHeaders, ProtocolBodies.Error(code, message));
    }
}
