using System.Text;

namespace Infra.Components;

/// <summary>
/// Logical names for what the router creates per model or ensemble: a kebab-case slug of the name for its function, and a
/// route-name prefix short enough for API route names (20 characters with <c>-predict</c>), else a numbered one.
/// </summary>
internal static class RouterNames
{
    public static string Slug(string name)
    {
        var slug = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            var keep = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
            if (keep || (slug.Length > 0 && slug[^1] != '-'))
            {
                slug.Append(keep ? c : '-');
            }
        }

        var text = slug.ToString().TrimEnd('-');
        return text.Length > 0 && char.IsAsciiLetterLower(text[0]) ? text : "m-" + text;
    }

    /// <param name="index">The model's or ensemble's position, for the numbered fallback.</param>
    public static string RoutePrefix(string name, string kind, int index)
    {
        var slug = Slug(name);
        return slug.Length <= 12 ? slug : $"{kind}{index + 1}";
    }
}
