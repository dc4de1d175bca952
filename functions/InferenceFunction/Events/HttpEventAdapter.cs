using System.Text.Encodings.Web;
using System.Text.Json;
using Inference.Service;

namespace InferenceFunction.Events;

/// <summary>Converts API Gateway v1 / v2 (and function URL) events to <see cref="InferenceRequest"/> and back.</summary>
public static class HttpEventAdapter
{
    // The body is JSON text inside a JSON string: escape only what JSON requires ("\"", not "\u0022").
    private static readonly JsonWriterOptions ResponseWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static InferenceRequest FromV1(LambdaEvent request, string requestId)
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

        return new InferenceRequest(request.HttpMethod ?? "GET", request.Path ?? "/", headers, DecodeBody(request), requestId);
    }

    public static InferenceRequest FromV2(LambdaEvent request, string requestId)
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
            DecodeBody(request),
            requestId);
    }

    /// <summary>The proxy response JSON that API Gateway v1, v2 and function URLs all accept.</summary>
    public static byte[] ToEventResponse(InferenceResponse response)
    {
        var contentType = response.Headers.FirstOrDefault(header => string.Equals(header.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
        var isText = IsTextContentType(contentType);
        using var buffer = new MemoryStream(response.Body.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer, ResponseWriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("statusCode", response.StatusCode);
            writer.WriteStartObject("headers");
            foreach (var (name, value) in response.Headers)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
            if (isText)
            {
                writer.WriteString("body", response.Body.Span);
            }
            else
            {
                writer.WriteBase64String("body", response.Body.Span);
            }

            writer.WriteBoolean("isBase64Encoded", !isText);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
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

    private static ReadOnlyMemory<byte> DecodeBody(LambdaEvent request) =>
        request.Body is not { } body ? ReadOnlyMemory<byte>.Empty
        : request.IsBase64Encoded ? body.DecodeBase64()
        : body.Utf8;

    // No content type is sent as text (an empty body is valid either way).
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
