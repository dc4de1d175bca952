using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SchemaCheck.TypeScript;

/// <summary>Spells strings, keys and identifiers as TypeScript source (always ASCII, so offsets match the file).</summary>
public static partial class Literals
{
    public static string String(string value) => JsonSerializer.Serialize(value);

    /// <summary>An object key: bare when it is an identifier, quoted otherwise.</summary>
    public static string Key(string key) => IsIdentifier(key) ? key : String(key);

    /// <summary>A property access: <c>.name</c> when it is an identifier, <c>["name"]</c> otherwise.</summary>
    public static string Member(string name) => IsIdentifier(name) ? "." + name : $"[{String(name)}]";

    public static bool IsIdentifier(string value) => IdentifierPattern().IsMatch(value);

    /// <summary>Text inside a template literal.</summary>
    public static string TemplateText(string value)
    {
        var text = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\': text.Append(@"\\"); break;
                case '`': text.Append("\\`"); break;
                case '$' when i + 1 < value.Length && value[i + 1] == '{': text.Append("\\$"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ' or > '~': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }
        return text.ToString();
    }

    [GeneratedRegex("^[A-Za-z_$][A-Za-z0-9_$]*$")]
    private static partial Regex IdentifierPattern();
}
