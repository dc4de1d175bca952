using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Inference.Contracts;
using Inference.Predictions;
using Inference.Protocol;
using Inference.Service;
using Inference.Telemetry;

namespace Inference.GpuEndpoint;

/// <summary>
/// The function as a front for a SageMaker GPU endpoint (issue 18, pattern 2 with a GPU back end): every request goes
/// to InvokeEndpoint, signed with SigV4 with the function's own credentials, as <see cref="GpuEndpointContract"/> says
/// (the client's method and route in the custom attributes, the body unchanged). It plugs in where a model service
/// does: alone, or as the function's own variant of a traffic split (A/B and shadow as usual), and it writes the
/// request line and, for answered infer and predict calls, the predictions log.
/// <para>
/// Time: one budget (<see cref="GpuEndpointOptions.TimeoutMs"/>) bounds the tries and the waits between them; each try
/// is also bounded by <see cref="GpuEndpointOptions.AttemptTimeoutMs"/>; no wait starts that would end past the
/// budget. Throttling and no capacity (the request never reached the model) are retried; SageMaker's own failures, a
/// lost connection and a try that timed out only for routes that change nothing (every route but feedback); a model's
/// answer never. What is left is answered in JSON: 503 with Retry-After (throttled, scaling, down), 504 (no answer in
/// time), the model's own 4xx, or 502 naming the endpoint.
/// </para>
/// </summary>
public sealed class SageMakerEndpointService : IInferenceService
{
    public const string Throttled = "gpu_endpoint_throttled";
    public const string Unavailable = "gpu_endpoint_unavailable";
    public const string TimedOut = "gpu_endpoint_timeout";
    public const string Failed = "gpu_endpoint_error";
    public const string ModelFailed = "gpu_model_error";
    public const string Unreachable = "gpu_endpoint_unreachable";
    public const string RouteTooLong = "route_too_long";

    /// <summary>The signing name of SageMaker's runtime API (its endpoint host is <c>runtime.sagemaker.{region}</c>).</summary>
    public const string SigningService = "sagemaker";

    /// <summary>How long a throttled client should wait: the endpoint has capacity, just not this instant.</summary>
    public const int ThrottledRetryAfterSeconds = 1;

    /// <summary>How long a client should wait while the endpoint has no capacity: scaling out takes minutes, so ask again in a few seconds.</summary>
    public const int UnavailableRetryAfterSeconds = 5;

    private readonly GpuEndpointOptions _options;
    private readonly HttpClient _http;
    private readonly Func<CancellationToken, Task<ImmutableCredentials>> _credentials;
    private readonly TelemetryWriter _telemetry;
    private readonly PredictionRecorder? _recorder;
    private readonly RetryTiming _timing;

    /// <param name="credentials">The credentials of each call: the SDK's default chain in Lambda (<see cref="DefaultCredentials"/>), which refreshes them.</param>
    /// <param name="recorder">The predictions log, or null without one.</param>
    public SageMakerEndpointService(GpuEndpointOptions options, HttpClient http, Func<CancellationToken, Task<ImmutableCredentials>> credentials,
        TelemetryWriter telemetry, PredictionRecorder? recorder, RetryTiming timing)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        _telemetry = telemetry ?? throw new ArgumentNullException(nameof(telemetry));
        _recorder = recorder;
        _timing = timing ?? throw new ArgumentNullException(nameof(timing));
    }

    public GpuEndpointOptions Options => _options;

    /// <summary>The Lambda environment's credentials through the SDK's default chain (environment variables in Lambda), resolved once and refreshed by the SDK.</summary>
    public static Func<CancellationToken, Task<ImmutableCredentials>> DefaultCredentials()
    {
        var credentials = new Lazy<AWSCredentials>(() => Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver.GetCredentials());
        return _ => credentials.Value.GetCredentialsAsync();
    }

    /// <summary>Nothing to load: the model lives on the endpoint.</summary>
    public Task WarmUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<InferenceResponse> HandleAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _timing.Time.GetTimestamp();
        var route = Route.Parse(request.Path);
        var record = new RequestRecord(request.RequestId, request.Method, request.Path, request.Body.Length)
        {
            Model = route.Model,
            ModelVersion = GpuEndpointContract.UnlabelledVersion,
            Shadow = request.Shadow,
        };
        var response = await ForwardAsync(request, route, record, started, cancellationToken).ConfigureAwait(false);
        record.Status = response.StatusCode;
        record.ResponseBytes = response.Body.Length;
        record.Predicted = response.StatusCode == 200 && route.Kind is RouteKind.Infer or RouteKind.Predict;
        record.PredictionRoute = route.Kind is RouteKind.Infer or RouteKind.Predict && route.Model is not null;
        record.TotalMs = _timing.Time.GetElapsedTime(started).TotalMilliseconds;
        if (_recorder is not null && record.PredictionRoute && _recorder.ShouldRecord(request))
        {
            record.PredictionLogError = await _recorder.RecordAsync(request, response, route.Model!, record.ModelVersion!, record.ErrorCode,
                record.TotalMs, cancellationToken).ConfigureAwait(false);
            record.PredictionLogged = record.PredictionLogError is null;
        }

        _telemetry.WriteRequest(record);
        return response;
    }

    private async Task<InferenceResponse> ForwardAsync(InferenceRequest request, Route route, RequestRecord record, long started, CancellationToken cancellationToken)
    {
        var method = request.Method.ToUpperInvariant();
        if (GpuEndpointContract.Attributes(method, request.Path, request.RequestId) is not { } attributes)
        {
            return Error(record, 414, RouteTooLong,
                $"The path is longer than the {GpuEndpointContract.MaxAttributesLength} characters the GPU endpoint's call can carry.");
        }

        var body = method == "GET" ? Encoding.UTF8.GetBytes(GpuEndpointContract.EmptyBody) : request.Body.ToArray();
        var contentType = method == "GET" ? "application/json" : RequestHeaders.Get(request.Headers, "content-type");
        var idempotent = route.Kind != RouteKind.Feedback;
        var budget = TimeSpan.FromMilliseconds(_options.TimeoutMs);
        Outcome last = default;
        for (var attempt = 1; ; attempt++)
        {
            var remaining = budget - _timing.Time.GetElapsedTime(started);
            var limit = TimeSpan.FromMilliseconds(Math.Min(_options.AttemptTimeoutMs, remaining.TotalMilliseconds));
            last = await TryAsync(attributes, body, contentType, RequestHeaders.Get(request.Headers, "accept"), limit, cancellationToken).ConfigureAwait(false);
            if (last.Response is not null || !last.Retryable(idempotent) || attempt >= _options.MaxAttempts)
            {
                break;
            }

            var wait = _timing.Backoff(attempt);
            if (_timing.Time.GetElapsedTime(started) + wait + TimeSpan.FromMilliseconds(GpuEndpointContract.MinTimeoutMs) > budget)
            {
                // Another try could not even start and get an answer within the budget: answer now, with the last cause.
                break;
            }

            await _timing.Delay(wait, cancellationToken).ConfigureAwait(false);
        }

        record.ModelVersion = last.ModelVersion ?? record.ModelVersion;
        return last.Response ?? Answer(record, last);
    }

    /// <summary>One InvokeEndpoint call: an answer to pass on, or a failure to retry or map.</summary>
    private async Task<Outcome> TryAsync(string attributes, byte[] body, string? contentType, string? accept, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(limit, _timing.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var credentials = await _credentials(linked.Token).ConfigureAwait(false);
            using var message = new HttpRequestMessage(HttpMethod.Post, _options.InvocationsUri) { Content = new ByteArrayContent(body) };
            if (contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var parsed))
            {
                message.Content.Headers.ContentType = parsed;
            }

            if (accept is not null)
            {
                message.Headers.TryAddWithoutValidation("Accept", accept);
            }

            message.Headers.TryAddWithoutValidation(GpuEndpointContract.AttributesHeader, attributes);
            SigV4Signer.Sign(message, body, credentials, _options.Region, SigningService, _timing.Time.GetUtcNow().UtcDateTime);
            using var answer = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            var bytes = await answer.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            var status = (int)answer.StatusCode;
            var version = answer.Headers.TryGetValues(GpuEndpointContract.AttributesHeader, out var values)
                ? GpuEndpointContract.Attribute(values.FirstOrDefault(), GpuEndpointContract.ModelVersionAttribute)
                : null;
            if (status is >= 200 and < 300)
            {
                var headers = new Dictionary<string, string>();
                if (answer.Content.Headers.ContentType is { } type)
                {
                    headers["Content-Type"] = type.ToString();
                }

                return new Outcome { Response = new InferenceResponse(status, headers, bytes), ModelVersion = version };
            }

            return new Outcome { Error = SageMakerError.Parse(status, answer.Headers, bytes), ModelVersion = version };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new Outcome { TimedOutAfter = limit };
        }
        catch (HttpRequestException ex)
        {
            return new Outcome { Unreachable = ex.Message };
        }
    }

    private InferenceResponse Answer(RequestRecord record, Outcome outcome)
    {
        var endpoint = $"'{_options.EndpointName}' ({_options.Region})";
        if (outcome.TimedOutAfter is { } after)
        {
            return Error(record, 504, TimedOut,
                $"The GPU endpoint {endpoint} did not answer within {(int)after.TotalMilliseconds} ms (budget {_options.TimeoutMs} ms).");
        }

        if (outcome.Unreachable is { } reason)
        {
            return Error(record, 502, Unreachable, $"The GPU endpoint {endpoint} could not be reached: {reason}");
        }

        var error = outcome.Error!;
        return error.Failure switch
        {
            SageMakerFailure.Throttled => Error(record, 503, Throttled,
                $"The GPU endpoint {endpoint} is throttling calls ({error.Type}); try again shortly.", ThrottledRetryAfterSeconds),
            SageMakerFailure.Unavailable => Error(record, 503, Unavailable,
                $"The GPU endpoint {endpoint} has no capacity now ({error.Type}: {error.Message}); it may be scaling or starting.", UnavailableRetryAfterSeconds),
            SageMakerFailure.ModelError => ModelAnswer(record, error, endpoint),
            _ => Error(record, 502, Failed, $"The GPU endpoint {endpoint} failed the call ({error.Type}, HTTP {error.Status}): {error.Message}"),
        };
    }

    /// <summary>
    /// The container answered non-2xx: its 4xx (bad input, unknown model) goes to the client as the container wrote it,
    /// a busy container (429, 503) is a 503, and anything else a 502 naming the endpoint.
    /// </summary>
    private static InferenceResponse ModelAnswer(RequestRecord record, SageMakerError error, string endpoint)
    {
        var original = error.OriginalStatusCode;
        if (original is 429 or 503)
        {
            return Error(record, 503, Unavailable, $"The model on the GPU endpoint {endpoint} is busy (HTTP {original}).", ThrottledRetryAfterSeconds);
        }

        if (original is >= 400 and < 500 && error.OriginalMessage is { } message)
        {
            record.ErrorCode = ModelErrorCode(message) ?? "model_error";
            record.ErrorMessage = message;
            return IsJsonObject(message)
                ? new InferenceResponse(original.Value, JsonHeaders(), Encoding.UTF8.GetBytes(message))
                : new InferenceResponse(original.Value, JsonHeaders(), ProtocolBodies.Error(record.ErrorCode, message));
        }

        return Error(record, 502, ModelFailed,
            $"The model on the GPU endpoint {endpoint} failed (HTTP {original?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}): {error.OriginalMessage ?? error.Message}");
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The <c>code</c> of our own error JSON, when the container wrote one.</summary>
    private static string? ModelErrorCode(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> JsonHeaders() => new() { ["Content-Type"] = "application/json" };

    private static InferenceResponse Error(RequestRecord record, int status, string code, string message, int? retryAfterSeconds = null)
    {
        record.ErrorCode = code;
        record.ErrorMessage = message;
        var headers = JsonHeaders();
        if (retryAfterSeconds is { } seconds)
        {
            headers["Retry-After"] = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return new InferenceResponse(status, headers, ProtocolBodies.Error(code, message));
    }

    /// <summary>What one try came to: exactly one of an answer to pass on, an error answer, a timeout, or no connection.</summary>
    private readonly record struct Outcome
    {
        public InferenceResponse? Response { get; init; }
        public SageMakerError? Error { get; init; }
        public TimeSpan? TimedOutAfter { get; init; }
        public string? Unreachable { get; init; }
        public string? ModelVersion { get; init; }

        /// <summary>Throttling and no capacity never reached the model; the rest may have, so only a route that changes nothing is tried again.</summary>
        public bool Retryable(bool idempotent) => Error?.Failure switch
        {
            SageMakerFailure.Throttled or SageMakerFailure.Unavailable => true,
            SageMakerFailure.ServiceError => idempotent,
            SageMakerFailure.ModelError or SageMakerFailure.Rejected => false,
            null => idempotent && (TimedOutAfter is not null || Unreachable is not null),
            _ => false,
        };
    }
}
