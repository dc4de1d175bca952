namespace Inference.Protocol;

/// <summary>Header lookups as the service does them: names case-insensitive, the media type without parameters.</summary>
public static class RequestHeaders
{
    public static string? Get(IReadOnlyDictionary<string, string> headers, string name)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return headers.TryGetValue(name, out var exact) ? exact
            : headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
    }

    /// <summary>Lower-cased, without parameters; null when absent or blank.</summary>
    public static string? MediaType(IReadOnlyDictionary<string, string> headers)
    {
        var value = Get(headers, "content-type");
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        return (semicolon >= 0 ? value[..semicolon] : value).Trim().ToLowerInvariant();
    }
}
