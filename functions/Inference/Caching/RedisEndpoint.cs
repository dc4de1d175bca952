namespace Inference.Caching;

/// <summary>A Redis server's address as PREDICTION_CACHE_REDIS_ENDPOINT gives it: <c>host:port</c>.</summary>
public readonly record struct RedisEndpoint(string Host, int Port)
{
    public override string ToString() => $"{Host}:{Port}";

    /// <returns>null when the text is not <c>host:port</c> with a port from 1 to 65535.</returns>
    public static RedisEndpoint? TryParse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return null;
        }

        var host = text[..colon];
        var portText = text[(colon + 1)..];
        if (host.Contains(':', StringComparison.Ordinal) || host.Any(char.IsWhiteSpace)
            || !int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            return null;
        }

        return new RedisEndpoint(host, port);
    }
}
