using System.Text;
using Inference.Hosting;

namespace InferenceFunction.Events;

/// <summary>Converts API Gateway v1 / v2 (and function URL) events to <see cref="InferenceRequest"/> and back.</summary>
public static class HttpEventAdapter
{
    public static InferenceRequest FromV1(ApiGatewayV1Request request, string requestId)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.MultiValueHeaders ?? [])
        {
            if (values is { Count: > 0 })
            {
                headers[name] = string.Join(',', values);
            }
        }

        foreach (var (name, value) in request.Headers ?? [])
        {
            if (value is not null)
            {
                headers.TryAdd(name, value);
            }
        }

        return new InferenceRequest(
            request.HttpMethod ?? "GET",
            request.Path ?? "/",
            headers,
            DecodeBody(request.Body, request.IsBase64Encoded),
            requestId);
    }

    public static InferenceRequest FromV2(ApiGatewayV2Request request, string requestId)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in request.Headers ?? [])
        {
            if (value is not null)
            {
                headers[name] = value;
            }
        }

        return new InferenceRequest(
            request.RequestContext?.Http?.Method ?? "GET",
            PathWithoutStage(request.RawPath ?? request.RequestContext?.Http?.Path ?? "/", request.RequestContext?.Stage),
            headers,
            DecodeBody(request.Body, request.IsBase64Encoded),
            requestId);
    }

    public static HttpEventResponse ToEventResponse(InferenceResponse response)
    {
        var headers = new Dictionary<string, string>(response.Headers, StringComparer.OrdinalIgnoreCase);
        headers.TryGetValue("Content-Type", out var contentType);
        var isText = IsTextContentType(contentType);
        return new HttpEventResponse
        {
            StatusCode = response.StatusCode,
            Headers = headers,
            Body = isText ? Encoding.UTF8.GetString(response.Body.Span) : Convert.ToBase64String(response.Body.Span),
            IsBase64Encoded = !isText,
        };
    }

    /// <summary>
    /// HTTP APIs put a named stage in front of rawPath ("/prod/v2/models/..."); routes do not expect it.
    /// </summary>
    private static string PathWithoutStage(string path, string? stage)
    {
        if (string.IsNullOrEmpty(stage) || stage == "$default")
        {
            return path;
        }

        var prefix = "/" + stage;
        return path.StartsWith(prefix + "/", StringComparison.Ordinal) ? path[prefix.Length..]
            : path == prefix ? "/"
            : path;
    }

    private static ReadOnlyMemory<byte> DecodeBody(string? body, bool isBase64Encoded)
    {
        if (string.IsNullOrEmpty(body))
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (!isBase64Encoded)
        {
            return Encoding.UTF8.GetBytes(body);
        }

        try
        {
            return Convert.FromBase64String(body);
        }
        catch (FormatException exception)
        {
            throw new InvalidEventBodyException("The event says isBase64Encoded=true but its body is not valid base64.", exception);
        }
    }

    // No content type, or an empty body, is sent as text (an empty string is valid either way).
    private static bool IsTextContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("/xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+xml", StringComparison.OrdinalIgnoreCase);
    }
}
