using System.Text;
using System.Text.RegularExpressions;

namespace Inference.Contracts;

/// <summary>
/// The contract between the Lambda front (functions/Inference/GpuEndpoint) and the server-mode container behind a
/// SageMaker endpoint, which both sides read from here (docs/gpu.md, "Front to endpoint").
/// <para>
/// SageMaker's InvokeEndpoint reaches the container only as <c>POST /invocations</c> and strips every request header but
/// the ones its API names, so the client's route travels in <see cref="AttributesHeader"/> (InvokeEndpoint's
/// <c>CustomAttributes</c>, forwarded to the container verbatim):
/// <c>method=POST;route=/v2/models/resnet18/infer;request-id=…</c>.
/// The route is percent-encoded (RFC 3986 unreserved characters and '/' stay as they are), so the value holds only
/// visible US-ASCII and never ';' or '=' inside a value, as the header requires (at most <see cref="MaxAttributesLength"/>
/// characters). The body goes unchanged with the client's Content-Type; a GET goes as a POST with an empty JSON object
/// (<see cref="EmptyBody"/>), because InvokeEndpoint requires a body. The container answers as the route would; SageMaker
/// returns a 2xx answer as it is and any other status as a <c>ModelError</c> carrying the status and body.
/// </para>
/// </summary>
public static partial class GpuEndpointContract
{
    /// <summary>InvokeEndpoint's CustomAttributes header, the one request header SageMaker forwards that we may fill.</summary>
    public const string AttributesHeader = "X-Amzn-SageMaker-Custom-Attributes";

    /// <summary>InvokeEndpoint's limit on <see cref="AttributesHeader"/>: at most 1,024 visible US-ASCII characters.</summary>
    public const int MaxAttributesLength = 1024;

    /// <summary>The attribute naming the client's path (percent-encoded), e.g. <c>/v2/models/resnet18/infer</c>.</summary>
    public const string RouteAttribute = "route";

    /// <summary>The attribute naming the client's method, GET or POST.</summary>
    public const string MethodAttribute = "method";

    /// <summary>The attribute carrying the front's request id, so that the front and the container log one request under one id.</summary>
    public const string RequestIdAttribute = "request-id";

    /// <summary>
    /// The attribute the container may set in its answer's <see cref="AttributesHeader"/> (the one response header besides
    /// Content-Type that SageMaker returns) to name the model version that answered, e.g. <c>model-version=1.2.0</c>;
    /// without it the front labels the answer <see cref="UnlabelledVersion"/>.
    /// </summary>
    public const string ModelVersionAttribute = "model-version";

    /// <summary>The version label of an answer whose container named none.</summary>
    public const string UnlabelledVersion = "endpoint";

    /// <summary>The body of a forwarded GET; the container ignores it.</summary>
    public const string EmptyBody = "{}";

    /// <summary>The path every call reaches the container on (SageMaker's hosting contract).</summary>
    public const string InvocationsPath = "/invocations";

    /// <summary>The total time a request may spend on the endpoint by default: under API Gateway's default 29 s integration limit, with room for the front's own work.</summary>
    public const int DefaultTimeoutMs = 25_000;

    /// <summary>The most the total may be: Lambda's 15 minutes (API Gateway allows more than 29 s only for Regional and private REST APIs, by quota).</summary>
    public const int MaxTimeoutMs = 900_000;

    /// <summary>The least a budget or a try may be: a smaller one cannot even open a TLS connection.</summary>
    public const int MinTimeoutMs = 100;

    public const int DefaultMaxAttempts = 3;

    public const int MaxAttempts = 10;

    public const string EndpointNameRules = "1 to 63 characters of a-z, A-Z, 0-9 and '-', starting and ending with a letter or digit (a SageMaker endpoint name)";

    public const string RegionRules = "an AWS region such as us-east-1";

    /// <summary>A SageMaker endpoint name: <c>^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}</c> (CreateEndpoint).</summary>
    public static bool IsEndpointName(string? name) => name is not null && EndpointName().IsMatch(name);

    public static bool IsRegion(string? region) => region is not null && Region().IsMatch(region);

    /// <summary>The header value for one forwarded request, or null when the route is too long to fit the header.</summary>
    public static string? Attributes(string method, string route, string? requestId = null)
    {
        var value = $"{MethodAttribute}={method.ToUpperInvariant()};{RouteAttribute}={Encode(route)}";
        if (!string.IsNullOrEmpty(requestId))
        {
            value += $";{RequestIdAttribute}={Encode(requestId)}";
        }

        return value.Length <= MaxAttributesLength ? value : null;
    }

    /// <summary>Reads <see cref="Attributes"/>' value back: the method and the decoded route, or null when it is not one.</summary>
    public static (string Method, string Route)? ParseAttributes(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        string? method = null, route = null;
        foreach (var pair in value.Split(';'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return null;
            }

            var (key, text) = (pair[..equals].Trim(), pair[(equals + 1)..].Trim());
            if (key == MethodAttribute)
            {
                method = text;
            }
            else if (key == RouteAttribute)
            {
                route = Uri.UnescapeDataString(text);
            }
        }

        return method is "GET" or "POST" && route is ['/', ..] ? (method, route) : null;
    }

    /// <summary>The value of one attribute in a <see cref="AttributesHeader"/> value (<c>key=value;key=value</c>), or null.</summary>
    public static string? Attribute(string? value, string key) =>
        value?.Split(';').Select(pair => pair.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0].Trim() == key) is { } found
            ? Uri.UnescapeDataString(found[1].Trim())
            : null;

    private static string Encode(string route)
    {
        var builder = new StringBuilder(route.Length);
        foreach (var b in Encoding.UTF8.GetBytes(route))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '/')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")]
    private static partial Regex EndpointName();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$")]
    private static partial Regex Region();
}
