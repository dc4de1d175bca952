using System.Text.Json.Nodes;

namespace AwsSemantics.Tests.Capture;

/// <summary>An AWS API request as it left the SDK: method, URL, headers (lower-case names) and, for JSON protocols, the body.</summary>
public sealed record CapturedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, JsonNode? JsonBody)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name.ToLowerInvariant());

    public IReadOnlyDictionary<string, string> Query { get; } = ParseQuery(Uri);

    public bool HasQuery(string parameter) => Query.ContainsKey(parameter);

    public override string ToString() => $"{Method} {Uri}" + (Header("x-amz-target") is { } target ? $" ({target})" : "");

    private static Dictionary<string, string> ParseQuery(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "", StringComparer.Ordinal);
}
