using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using InferenceFunction.Json;

namespace InferenceFunction.Runtime;

/// <summary>
/// Speaks the Lambda Runtime API (2018-06-01) at http://$AWS_LAMBDA_RUNTIME_API, through an HttpClient of its own:
/// GET next blocks until an event arrives, so that client has no timeout, which a caller's shared client should not be given.
/// </summary>
public sealed class RuntimeApiClient : IDisposable
{
    public const string EnvironmentVariable = "AWS_LAMBDA_RUNTIME_API";
    private const string ErrorContentType = "application/vnd.aws.lambda.error+json";

    private readonly HttpClient _http;

    /// <param name="handler">Sends the requests; it stays the caller's (not disposed here). A handler of this client's own when null.</param>
    public RuntimeApiClient(string runtimeApiAddress, HttpMessageHandler? handler = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runtimeApiAddress);
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = new Uri($"http://{runtimeApiAddress}/2018-06-01/");
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    public void Dispose() => _http.Dispose();

    public async Task<Invocation> NextInvocationAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("runtime/invocation/next", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await UnexpectedAsync("GET next", response, cancellationToken).ConfigureAwait(false);
        }

        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new Invocation(
            RequiredHeader(response, "Lambda-Runtime-Aws-Request-Id"),
            long.Parse(RequiredHeader(response, "Lambda-Runtime-Deadline-Ms"), CultureInfo.InvariantCulture),
            OptionalHeader(response, "Lambda-Runtime-Invoked-Function-Arn") ?? string.Empty,
            OptionalHeader(response, "Lambda-Runtime-Trace-Id"),
            payload);
    }

    public Task SendResponseAsync(string requestId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", content, "POST response", cancellationToken);
    }

    public Task SendInvocationErrorAsync(string requestId, LambdaError error, CancellationToken cancellationToken) =>
        PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", ErrorContent(error), "POST invocation error", cancellationToken);

    public Task SendInitErrorAsync(LambdaError error, CancellationToken cancellationToken) =>
        PostAsync("runtime/init/error", ErrorContent(error), "POST init error", cancellationToken);

    private static ByteArrayContent ErrorContent(LambdaError error)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(error, FunctionJsonContext.Default.LambdaError));
        content.Headers.ContentType = new MediaTypeHeaderValue(ErrorContentType);
        content.Headers.Add("Lambda-Runtime-Function-Error-Type", error.ErrorType);
        return content;
    }

    private async Task PostAsync(string path, HttpContent content, string operation, CancellationToken cancellationToken)
    {
        using (content)
        using (var response = await _http.PostAsync(path, content, cancellationToken).ConfigureAwait(false))
        {
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw await UnexpectedAsync(operation, response, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<RuntimeApiException> UnexpectedAsync(string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return new RuntimeApiException(operation, response.StatusCode, body);
    }

    private static string RequiredHeader(HttpResponseMessage response, string name) =>
        OptionalHeader(response, name)
        ?? throw new RuntimeApiException("GET next", response.StatusCode, $"the response lacks the {name} header");

    private static string? OptionalHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
