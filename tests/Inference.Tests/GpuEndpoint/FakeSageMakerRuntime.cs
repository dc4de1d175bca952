using System.Net;
using System.Text;
using Inference.Contracts;

namespace Inference.Tests.GpuEndpoint;

/// <summary>
/// SageMaker's runtime API as the front sees it, in process: it refuses a call whose SigV4 signature does not verify
/// (<see cref="SigV4Verifier"/>, with the known secret) with 403 InvalidSignatureException, as AWS does, and answers the
/// others with the test's script, one step per call. Every call is kept: its URI, custom attributes, content type, body.
/// </summary>
internal sealed class FakeSageMakerRuntime(string region, Func<int, ReceivedCall, CancellationToken, Task<HttpResponseMessage>> script) : HttpMessageHandler
{
    public List<ReceivedCall> Calls { get; } = [];

    public List<string> SignatureFailures { get; } = [];

    public string Region => region;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var call = new ReceivedCall(request.Method.Method, request.RequestUri!,
            request.Headers.TryGetValues(GpuEndpointContract.AttributesHeader, out var a) ? a.Single() : null,
            request.Content?.Headers.ContentType?.ToString(), body);
        Calls.Add(call);
        if (SigV4Verifier.Verify(request, body, region, "sagemaker") is { } problem)
        {
            SignatureFailures.Add(problem);
            return Error(HttpStatusCode.Forbidden, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided.");
        }

        return await script(Calls.Count, call, cancellationToken);
    }

    public static HttpResponseMessage Ok(string json, string? attributes = null)
    {
        var answer = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (attributes is not null)
        {
            answer.Headers.TryAddWithoutValidation(GpuEndpointContract.AttributesHeader, attributes);
        }

        return answer;
    }

    /// <summary>An error as SageMaker's REST-JSON protocol writes it: the type in x-amzn-ErrorType, the fields in the body.</summary>
    public static HttpResponseMessage Error(HttpStatusCode status, string type, string message, string? extraFields = null)
    {
        var answer = new HttpResponseMessage(status)
        {
            Content = new StringContent($"{{\"message\":{System.Text.Json.JsonSerializer.Serialize(message)}{extraFields}}}", Encoding.UTF8, "application/json"),
        };
        answer.Headers.TryAddWithoutValidation("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.sagemaker.runtime/");
        return answer;
    }

    public static HttpResponseMessage ModelError(int originalStatus, string originalMessage) =>
        Error((HttpStatusCode)424, "ModelError", $"Received client error ({originalStatus}) from primary with message \"{originalMessage}\".",
            $",\"OriginalStatusCode\":{originalStatus},\"OriginalMessage\":{System.Text.Json.JsonSerializer.Serialize(originalMessage)},\"LogStreamArn\":\"arn:aws:logs:eu-west-1:123456789012:log-group:/aws/sagemaker/Endpoints/gpu\"");
}

internal sealed record ReceivedCall(string Method, Uri Uri, string? Attributes, string? ContentType, byte[] Body);
