using System.Net.Http.Headers;
using Inference.Service;
using Inference.Sessions;

namespace InferenceServer.Tests;

/// <summary>
/// The shape the linked protocol tests call (<c>HandleAsync</c>, <c>Models</c>), served by the Kestrel server over real
/// HTTP: each <see cref="InferenceRequest"/> goes out as an HTTP request, and the HTTP answer comes back as an
/// <see cref="InferenceResponse"/> with every response and content header.
/// </summary>
public sealed class HttpService(HttpClient client, ModelSessions models)
{
    public ModelSessions Models { get; } = models;

    public async Task<InferenceResponse> HandleAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        using var message = ToHttp(request);
        // The Lambda host answers under its invocation's id; through HTTP the id travels as a front would pass it.
        message.Headers.TryAddWithoutValidation("X-Request-Id", request.RequestId);
        using var response = await client.SendAsync(message, cancellationToken);
        return await FromHttpAsync(response, cancellationToken);
    }

    public static HttpRequestMessage ToHttp(InferenceRequest request)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
        if (!request.Body.IsEmpty || request.Headers.Keys.Any(IsContentHeader))
        {
            message.Content = new ReadOnlyMemoryContent(request.Body);
        }

        foreach (var (name, value) in request.Headers)
        {
            if (IsContentHeader(name))
            {
                message.Content!.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    public static async Task<InferenceResponse> FromHttpAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat<KeyValuePair<string, IEnumerable<string>>>(response.Content.Headers))
        {
            headers[name] = string.Join(',', values);
        }

        return new InferenceResponse((int)response.StatusCode, headers, await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    private static bool IsContentHeader(string name) => name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase);
}
