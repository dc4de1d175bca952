using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Local.StackReading;

namespace Infra.Local.Gateway;

/// <summary>An HTTP request as the local front received it, relative to its API's stage.</summary>
/// <param name="Path">The resource path after the stage, e.g. <c>/v2/models/resnet18/predict</c>.</param>
/// <param name="ContentLength">The declared length; a body over the WAF's limit is not read at all.</param>
public sealed record GatewayRequest(
    string Method,
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body,
    string SourceIp,
    long? ContentLength = null)
{
    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).LastOrDefault();
}

/// <summary>A Lambda proxy response turned back into HTTP.</summary>
public sealed record GatewayResponse(int StatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);

/// <summary>The proxy response was not what API Gateway accepts; API Gateway answers 502.</summary>
public sealed class MalformedProxyResponseException(string message) : Exception(message);

/// <summary>
/// The REST API's Lambda proxy integration (payload v1): an HTTP request becomes the event Lambda
/// gets, and the function's answer becomes the HTTP response. Bodies whose content type is one of
/// the API's binary media types travel base64-encoded, as API Gateway sends them.
/// </summary>
public static class ProxyEvents
{
    public static byte[] ToEvent(GatewayRequest request, LocalApi api, RouteMatch match, string requestId, string? apiKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(match);
        var binary = IsBinary(request.Header("Content-Type"), api.BinaryMediaTypes);
        var identity = new JsonObject
        {
            ["sourceIp"] = request.SourceIp,
            ["userAgent"] = request.Header("User-Agent"),
            ["apiKey"] = apiKey,
        };
        var root = new JsonObject
        {
            ["resource"] = match.Route.Path,
            ["path"] = request.Path,
            ["httpMethod"] = request.Method,
            ["headers"] = SingleValues(request.Headers),
            ["multiValueHeaders"] = MultiValues(request.Headers),
            ["queryStringParameters"] = request.Query.Count == 0 ? null : SingleValues(request.Query),
            ["multiValueQueryStringParameters"] = request.Query.Count == 0 ? null : MultiValues(request.Query),
            ["pathParameters"] = match.PathParameters.Count == 0 ? null : new JsonObject(match.PathParameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["stageVariables"] = null,
            ["requestContext"] = new JsonObject
            {
                ["resourcePath"] = match.Route.Path,
                ["httpMethod"] = request.Method,
                ["path"] = $"/{api.Stage}{request.Path}",
                ["stage"] = api.Stage,
                ["requestId"] = requestId,
                ["requestTimeEpoch"] = now.ToUnixTimeMilliseconds(),
                ["protocol"] = "HTTP/1.1",
                ["accountId"] = "000000000000",
                ["apiId"] = "local",
                ["identity"] = identity,
            },
            ["body"] = request.Body.Length == 0 ? null : binary ? Convert.ToBase64String(request.Body) : Encoding.UTF8.GetString(request.Body),
            ["isBase64Encoded"] = binary && request.Body.Length > 0,
        };
        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    /// <summary>Reads <c>{statusCode, headers, multiValueHeaders, body, isBase64Encoded}</c>.</summary>
    public static GatewayResponse FromResponse(byte[] payload)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(payload);
            root = document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            throw new MalformedProxyResponseException($"the function's answer is not JSON: {error.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("statusCode", out var status) || !TryStatus(status, out var statusCode))
        {
            throw new MalformedProxyResponseException("the function's answer has no valid statusCode");
        }

        var headers = new List<KeyValuePair<string, string>>();
        if (root.TryGetProperty("multiValueHeaders", out var multi) && multi.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in multi.EnumerateObject().Where(h => h.Value.ValueKind == JsonValueKind.Array))
            {
                headers.AddRange(header.Value.EnumerateArray().Select(v => KeyValuePair.Create(header.Name, v.ToString())));
            }
        }

        // API Gateway merges both maps; where a name is in both, the multi-value list wins.
        if (root.TryGetProperty("headers", out var single) && single.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in single.EnumerateObject())
            {
                if (!headers.Any(h => string.Equals(h.Key, header.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    headers.Add(KeyValuePair.Create(header.Name, header.Value.ToString()));
                }
            }
        }

        var text = root.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.String ? body.GetString()! : "";
        var base64 = root.TryGetProperty("isBase64Encoded", out var encoded) && encoded.ValueKind == JsonValueKind.True;
        byte[] bytes;
        try
        {
            bytes = base64 ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);
        }
        catch (FormatException)
        {
            throw new MalformedProxyResponseException("the function's answer says isBase64Encoded but its body is not base64");
        }

        return new GatewayResponse(statusCode, headers, bytes);
    }

    /// <summary>Whether a content type is one of the binary media types (<c>image/*</c> and <c>*/*</c> wildcards included).</summary>
    public static bool IsBinary(string? contentType, IReadOnlyList<string> binaryMediaTypes)
    {
        ArgumentNullException.ThrowIfNull(binaryMediaTypes);
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        var mediaType = contentType.Split(';')[0].Trim();
        return binaryMediaTypes.Any(pattern =>
            string.Equals(pattern, mediaType, StringComparison.OrdinalIgnoreCase)
            || pattern == "*/*"
            || (pattern.EndsWith("/*", StringComparison.Ordinal) && mediaType.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase)));
    }

    private static bool TryStatus(JsonElement status, out int code)
    {
        code = 0;
        return status.ValueKind switch
        {
            JsonValueKind.Number => status.TryGetInt32(out code) && code is >= 100 and <= 599,
            JsonValueKind.String => int.TryParse(status.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out code) && code is >= 100 and <= 599,
            _ => false,
        };
    }

    // API Gateway's single-value maps keep the last value of a repeated name.
    private static JsonObject SingleValues(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var map = new JsonObject();
        foreach (var (key, value) in pairs)
        {
            map[key] = value;
        }

        return map;
    }

    private static JsonObject MultiValues(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var map = new JsonObject();
        foreach (var group in pairs.GroupBy(p => p.Key, StringComparer.Ordinal))
        {
            map[group.Key] = new JsonArray([.. group.Select(p => (JsonNode?)p.Value)]);
        }

        return map;
    }
}
