using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Inference.Contracts;

namespace Infra.Local.Gpu;

/// <summary>
/// SageMaker's InvokeEndpoint between a GPU front and its container, as the SageMaker API reference describes it: the
/// front's signed <c>POST /endpoints/{name}/invocations</c> reaches the container as <c>POST /invocations</c> with only
/// the body, <c>Content-Type</c>, <c>Accept</c> and <c>X-Amzn-SageMaker-Custom-Attributes</c>; a 2xx comes back as it is
/// (with the container's custom attributes), any other status as a 424 <c>ModelError</c> carrying
/// <c>OriginalStatusCode</c> and <c>OriginalMessage</c>. serve runs it behind <see cref="LocalSageMakerRuntime"/>; the
/// front-to-server tests run it in process.
/// </summary>
/// <param name="containers">The server address of each endpoint by name, or null for an endpoint that does not exist.</param>
public sealed partial class InvokeEndpointRelay(Func<string, Uri?> containers) : HttpMessageHandler
{
    /// <summary>The account a not-found message names: locally there is none.</summary>
    private const string LocalAccount = "000000000000";

    private readonly HttpClient _containers = new() { Timeout = Timeout.InfiniteTimeSpan };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var match = InvocationsPath().Match(request.RequestUri?.AbsolutePath ?? "");
        if (request.Method != HttpMethod.Post || !match.Success)
        {
            return Error(HttpStatusCode.NotFound, "UnknownOperationException", $"{request.Method} {request.RequestUri?.AbsolutePath} is not InvokeEndpoint.");
        }

        // Only that a SigV4 signature for SageMaker is there: the local relay has no credentials to check it against.
        var authorization = request.Headers.TryGetValues("Authorization", out var values) ? string.Join(",", values) : "";
        if (!authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal) || !authorization.Contains("/sagemaker/aws4_request", StringComparison.Ordinal))
        {
            return Error(HttpStatusCode.Forbidden, "MissingAuthenticationTokenException", "InvokeEndpoint needs a SigV4 signature for the sagemaker service.");
        }

        var name = Uri.UnescapeDataString(match.Groups["name"].Value);
        if (containers(name) is not { } container)
        {
            return Error(HttpStatusCode.BadRequest, "ValidationError", $"Endpoint {name} of account {LocalAccount} not found.");
        }

        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        using var delivered = new HttpRequestMessage(HttpMethod.Post, new Uri(container, GpuEndpointContract.InvocationsPath)) { Content = new ByteArrayContent(body) };
        delivered.Content.Headers.ContentType = request.Content?.Headers.ContentType;
        foreach (var accept in request.Headers.Accept)
        {
            delivered.Headers.Accept.Add(accept);
        }

        if (request.Headers.TryGetValues(GpuEndpointContract.AttributesHeader, out var attributes))
        {
            delivered.Headers.TryAddWithoutValidation(GpuEndpointContract.AttributesHeader, attributes);
        }

        HttpResponseMessage answer;
        try
        {
            answer = await _containers.SendAsync(delivered, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException unreachable)
        {
            return Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", $"The server process of endpoint {name} does not answer: {unreachable.Message}");
        }

        using (answer)
        {
            var answerBody = await answer.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (answer.IsSuccessStatusCode)
            {
                var ok = new HttpResponseMessage(answer.StatusCode) { Content = new ByteArrayContent(answerBody) };
                ok.Content.Headers.ContentType = answer.Content.Headers.ContentType;
                if (answer.Headers.TryGetValues(GpuEndpointContract.AttributesHeader, out var back))
                {
                    ok.Headers.TryAddWithoutValidation(GpuEndpointContract.AttributesHeader, back);
                }

                return ok;
            }

            var status = (int)answer.StatusCode;
            var error = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["message"] = $"Received client error ({status}) from primary with message \"{Encoding.UTF8.GetString(answerBody)}\".",
                ["OriginalStatusCode"] = status,
                ["OriginalMessage"] = Encoding.UTF8.GetString(answerBody),
            });
            return Error((HttpStatusCode)424, "ModelError", error, json: true);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _containers.Dispose();
        }

        base.Dispose(disposing);
    }

    private static HttpResponseMessage Error(HttpStatusCode status, string type, string message, bool json = false)
    {
        var body = json ? message : JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message });
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        response.Headers.TryAddWithoutValidation("x-amzn-ErrorType", $"{type}:http://internal.amazon.com/coral/com.amazon.sagemaker.runtime/");
        return response;
    }

    [GeneratedRegex("^/endpoints/(?<name>[^/]+)/invocations$")]
    private static partial Regex InvocationsPath();
}
