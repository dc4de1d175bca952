using Infra.Components;

namespace Infra.Local.Gateway;

/// <summary>A matched route and the values of its path parameters.</summary>
public sealed record RouteMatch(ApiRoute Route, IReadOnlyDictionary<string, string> PathParameters);

/// <summary>
/// API Gateway's resource matching for one API: literal segments, <c>{name}</c> for one segment
/// and a trailing <c>{name+}</c> for the rest of the path. No match, or the wrong method, is
/// API Gateway's "Missing Authentication Token" 403 ("a method or resource that does not exist").
/// </summary>
public sealed class RouteTable(IReadOnlyList<ApiRoute> routes)
{
    public RouteMatch? Match(string method, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Segments(path) is not { } segments)
        {
            return null;
        }

        // Method names are case-sensitive: "get" is no method of a GET route. (The component's routes name one of API
        // Gateway's seven methods each, never ANY.)
        foreach (var route in routes.Where(r => string.Equals(r.HttpMethod, method, StringComparison.Ordinal)))
        {
            if (TryMatch(route, segments) is { } parameters)
            {
                return new RouteMatch(route, parameters);
            }
        }

        return null;
    }

    /// <summary>
    /// The path's segments, or null when one inside it is empty (<c>/v2//models</c>): a resource path part is never
    /// empty, so no resource has that path. Slashes before the first segment and one after the last are ignored, as
    /// API Gateway ignores them after the stage and at the end.
    /// </summary>
    private static string[]? Segments(string path)
    {
        var trimmed = path.TrimStart('/');
        trimmed = trimmed.EndsWith('/') ? trimmed[..^1] : trimmed;
        if (trimmed.Length == 0)
        {
            return [];
        }

        var segments = trimmed.Split('/');
        return segments.Contains("") ? null : segments;
    }

    private static Dictionary<string, string>? TryMatch(ApiRoute route, string[] segments)
    {
        var pattern = route.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < pattern.Length; i++)
        {
            var part = pattern[i];
            if (part.StartsWith('{') && part.EndsWith("+}", StringComparison.Ordinal))
            {
                if (i >= segments.Length)
                {
                    return null;
                }

                parameters[part[1..^2]] = string.Join('/', segments[i..].Select(Uri.UnescapeDataString));
                return parameters;
            }

            if (i >= segments.Length)
            {
                return null;
            }

            if (part.StartsWith('{'))
            {
                parameters[part[1..^1]] = Uri.UnescapeDataString(segments[i]);
            }
            else if (!string.Equals(part, segments[i], StringComparison.Ordinal))
            {
                return null;
            }
        }

        return segments.Length == pattern.Length ? parameters : null;
    }
}
