using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Inference.Contracts;

namespace Inference.GpuEndpoint;

/// <summary>One request for an asynchronous endpoint: the input's S3 URI, its content type, our id and the route (custom attributes).</summary>
public sealed record AsyncInvocation(string InputLocation, string ContentType, string InferenceId, string CustomAttributes);

/// <summary>What SageMaker answered when it queued the request (202): the id and where the result or the failure will be written.</summary>
public sealed record AsyncAccepted(string InferenceId, string? OutputLocation, string? FailureLocation);

/// <summary>InvokeEndpointAsync refused the request on every try (or once, for a refusal that a retry cannot change).</summary>
public sealed class SageMakerAsyncException(string message, SageMakerError? error) : Exception(message)
{
    public SageMakerError? Error { get; } = error;
}

/// <summary>
/// InvokeEndpointAsync over HTTPS, signed with SigV4 like the GPU front's InvokeEndpoint (<see cref="SigV4Signer"/>): the
/// request is <c>POST /endpoints/{name}/async-invocations</c> with no body, the input named by
/// <c>X-Amzn-SageMaker-InputLocation</c>, its type by <c>X-Amzn-SageMaker-Content-Type</c>, our id by
/// <c>X-Amzn-SageMaker-Inference-Id</c> and the route by the custom attributes (SageMaker API Reference,
/// InvokeEndpointAsync); the answer is 202 with the output and failure locations. Throttling, no capacity and SageMaker's
/// own failures are retried with the front's backoff (<see cref="RetryTiming"/>): queuing the same input twice is
/// harmless, since its record is keyed by the input and overwritten.
/// </summary>
public sealed class SageMakerAsyncClient
{
    public const string InputLocationHeader = "X-Amzn-SageMaker-InputLocation";
    public const string ContentTypeHeader = "X-Amzn-SageMaker-Content-Type";
    public const string InferenceIdHeader = "X-Amzn-SageMaker-Inference-Id";
    public const string OutputLocationHeader = "X-Amzn-SageMaker-OutputLocation";
    public const string FailureLocationHeader = "X-Amzn-SageMaker-FailureLocation";

    /// <summary>InvokeEndpointAsync's InferenceId: 1 to 64 printable characters.</summary>
    public const int MaxInferenceIdLength = 64;

    public const int MaxAttempts = 3;

    private readonly string _endpointName;
    private readonly string _region;
    private readonly HttpClient _http;
    private readonly Func<CancellationToken, Task<ImmutableCredentials>> _credentials;
    private readonly RetryTiming _timing;

    public SageMakerAsyncClient(string endpointName, string region, HttpClient http, Func<CancellationToken, Task<ImmutableCredentials>> credentials, RetryTiming timing)
    {
        if (!GpuEndpointContract.IsEndpointName(endpointName))
        {
            throw new InvalidOperationException($"{FunctionEnvironment.AsyncEndpointName} is '{endpointName}'; allowed: {GpuEndpointContract.EndpointNameRules}.");
        }

        if (!GpuEndpointContract.IsRegion(region))
        {
            throw new InvalidOperationException($"AWS_REGION is '{region}'; allowed: {GpuEndpointContract.RegionRules}.");
        }

        _endpointName = endpointName;
        _region = region;
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        _timing = timing ?? throw new ArgumentNullException(nameof(timing));
    }

    public string EndpointName => _endpointName;

    public Uri InvocationsUri => new($"https://runtime.sagemaker.{_region}.amazonaws.com/endpoints/{_endpointName}/async-invocations");

    /// <summary>The client of <c>ASYNC_ENDPOINT_NAME</c> in <c>AWS_REGION</c>, or null when the variable is unset.</summary>
    public static SageMakerAsyncClient? FromEnvironment(Func<string, string?> environment, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var values = new Service.EnvironmentValues(environment);
        if (values.Get(FunctionEnvironment.AsyncEndpointName) is not { } name)
        {
            return null;
        }

        var region = values.Get("AWS_REGION") ?? throw new InvalidOperationException(
            $"{FunctionEnvironment.AsyncEndpointName} is set but AWS_REGION is not; allowed: {GpuEndpointContract.RegionRules}.");
        return new SageMakerAsyncClient(name, region, http, SageMakerEndpointService.DefaultCredentials(), RetryTiming.System);
    }

    public async Task<AsyncAccepted> InvokeAsync(AsyncInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        for (var attempt = 1; ; attempt++)
        {
            var (accepted, error) = await TryAsync(invocation, cancellationToken).ConfigureAwait(false);
            if (accepted is not null)
            {
                return accepted;
            }

            var retryable = error!.Failure is SageMakerFailure.Throttled or SageMakerFailure.Unavailable or SageMakerFailure.ServiceError;
            if (!retryable || attempt >= MaxAttempts)
            {
                throw new SageMakerAsyncException(
                    $"InvokeEndpointAsync on '{_endpointName}' ({_region}) for {invocation.InputLocation} failed after {attempt} call(s): {error.Type} (HTTP {error.Status}) {error.Message}", error);
            }

            await _timing.Delay(_timing.Backoff(attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(AsyncAccepted? Accepted, SageMakerError? Error)> TryAsync(AsyncInvocation invocation, CancellationToken cancellationToken)
    {
        var credentials = await _credentials(cancellationToken).ConfigureAwait(false);
        using var message = new HttpRequestMessage(HttpMethod.Post, InvocationsUri) { Content = new ByteArrayContent([]) };
        message.Headers.TryAddWithoutValidation(InputLocationHeader, invocation.InputLocation);
        message.Headers.TryAddWithoutValidation(ContentTypeHeader, invocation.ContentType);
        message.Headers.TryAddWithoutValidation(InferenceIdHeader, invocation.InferenceId);
        message.Headers.TryAddWithoutValidation(GpuEndpointContract.AttributesHeader, invocation.CustomAttributes);
        SigV4Signer.Sign(message, [], credentials, _region, SageMakerEndpointService.SigningService, _timing.Time.GetUtcNow().UtcDateTime);
        using var answer = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var body = await answer.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var status = (int)answer.StatusCode;
        if (status is < 200 or >= 300)
        {
            return (null, SageMakerError.Parse(status, answer.Headers, body));
        }

        var output = Header(answer, OutputLocationHeader);
        var failure = Header(answer, FailureLocationHeader);
        var id = invocation.InferenceId;
        if (body.Length > 0)
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                id = Text(document.RootElement, "InferenceId") ?? id;
                output ??= Text(document.RootElement, "OutputLocation");
                failure ??= Text(document.RootElement, "FailureLocation");
            }
        }

        return (new AsyncAccepted(id, output, failure), null);
    }

    private static string? Header(HttpResponseMessage answer, string name) =>
        answer.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// The id of one input's request: the SHA-256 of its location and content (ETag, else version), in hex (64 characters,
    /// InvokeEndpointAsync's limit), so a redelivery of the same upload names the same request in the endpoint's logs.
    /// </summary>
    public static string InferenceIdFor(string inputLocation, string? etag, string? versionId)
    {
        var text = $"{inputLocation}\n{etag ?? ""}\n{versionId ?? ""}";
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

}
