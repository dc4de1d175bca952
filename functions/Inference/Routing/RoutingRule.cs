using System.Text.Json;
using Inference.Service;
using Inference.Protocol;

namespace Inference.Routing;

/// <summary>
/// A request-type rule of the router: when it matches a request, the request goes to <see cref="Model"/> (a served model
/// or an ensemble). Rules are tried in order; the first match wins.
/// </summary>
public abstract record RoutingRule(string Model)
{
    public abstract bool Matches(InferenceRequest request, RequestParameters parameters);

    /// <summary>A short description for errors and metadata, e.g. <c>contentType image/*</c>.</summary>
    public abstract string Describe();
}

/// <summary>The body's media type (parameters ignored, case-insensitive); <c>type/*</c> matches every subtype.</summary>
public sealed record ContentTypeRule(string Pattern, string Model) : RoutingRule(Model)
{
    public override bool Matches(InferenceRequest request, RequestParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (RequestHeaders.MediaType(request.Headers) is not { } mediaType)
        {
            return false;
        }

        return Pattern.EndsWith("/*", StringComparison.Ordinal)
            ? mediaType.StartsWith(Pattern[..^1], StringComparison.OrdinalIgnoreCase)
            : string.Equals(mediaType, Pattern, StringComparison.OrdinalIgnoreCase);
    }

    public override string Describe() => $"contentType {Pattern}";
}

/// <summary>A request header (name case-insensitive) with exactly this value.</summary>
public sealed record HeaderRule(string Name, string Value, string Model) : RoutingRule(Model)
{
    public override bool Matches(InferenceRequest request, RequestParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RequestHeaders.Get(request.Headers, Name) == Value;
    }

    public override string Describe() => $"header {Name}: {Value}";
}

/// <summary>
/// An Open Inference Protocol request parameter, <c>{"parameters": {"task": "ocr"}}</c> in a JSON body, equal to this value
/// (a string, or a number or boolean by its JSON text).
/// </summary>
public sealed record ParameterRule(string Name, string Value, string Model) : RoutingRule(Model)
{
    public override bool Matches(InferenceRequest request, RequestParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.Get(Name) == Value;
    }

    public override string Describe() => $"parameter {Name} = {Value}";
}

/// <summary>The top-level <c>parameters</c> of a JSON request body, read once and only when a parameter rule asks.</summary>
public sealed class RequestParameters(InferenceRequest request)
{
    private Dictionary<string, string>? _values;

    public string? Get(string name)
    {
        _values ??= Read(request);
        return _values.GetValueOrDefault(name);
    }

    private static Dictionary<string, string> Read(InferenceRequest request)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (RequestHeaders.MediaType(request.Headers) is not (null or "application/json") || request.Body.IsEmpty)
        {
            return values;
        }

        try
        {
            using var document = JsonDocument.Parse(request.Body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object)
            {
                foreach (var parameter in parameters.EnumerateObject())
                {
                    values[parameter.Name] = parameter.Value.ValueKind == JsonValueKind.String ? parameter.Value.GetString()! : parameter.Value.GetRawText();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: no parameter rule matches, and the model the request ends up at reports the body as invalid JSON.
        }

        return values;
    }
}
