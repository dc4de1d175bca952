using System.Globalization;
using System.Text;

namespace Infra.Testing.Programs;

/// <summary>
/// Parses a YAML string the way pulumi-yaml does: <c>$$</c> is a literal <c>$</c>, <c>${...}</c> is a reference,
/// a string that is exactly one reference keeps that reference's type, and one without references is plain text.
/// </summary>
public static class InterpolationParser
{
    public static Expr Parse(string value, SourceMark mark)
    {
        var parts = new List<InterpolationPart>();
        var text = new StringBuilder();
        var position = 0;
        while (position < value.Length)
        {
            if (At(value, position, "$$"))
            {
                text.Append('$');
                position += 2;
            }
            else if (At(value, position, "${"))
            {
                var access = ParseAccess(value, ref position, mark);
                parts.Add(new InterpolationPart(text.ToString(), access));
                text.Clear();
            }
            else
            {
                text.Append(value[position++]);
            }
        }
        if (text.Length > 0) parts.Add(new InterpolationPart(text.ToString(), null));

        return parts switch
        {
            [] => new StringExpr("", mark),
            [{ Access: null } only] => new StringExpr(only.Text, mark),
            [{ Text: "", Access: { } access }] => new SymbolExpr(access, mark),
            _ => new InterpolateExpr(parts, mark),
        };
    }

    private static bool At(string value, int position, string token) =>
        string.CompareOrdinal(value, position, token, 0, token.Length) == 0;

    // position is at "${"; on return it is just past the closing "}".
    private static PropertyAccess ParseAccess(string value, ref int position, SourceMark mark)
    {
        var start = position;
        position += 2;
        var accessors = new List<PropertyAccessor>();
        while (position < value.Length)
        {
            switch (value[position])
            {
                case '}':
                    position++;
                    if (accessors.Count == 0) throw Error("empty reference '${}'", mark);
                    return new PropertyAccess(accessors);
                case '.':
                    position++;
                    break;
                case '[':
                    accessors.Add(ParseSubscript(value, ref position, accessors.Count == 0, mark));
                    break;
                default:
                    var end = value.IndexOfAny(['.', '[', '}'], position);
                    if (end < 0) end = value.Length;
                    accessors.Add(new PropertyName(value[position..end]));
                    position = end;
                    break;
            }
        }
        throw Error($"unterminated reference '{value[start..]}'", mark);
    }

    private static PropertyAccessor ParseSubscript(string value, ref int position, bool isRoot, SourceMark mark)
    {
        if (position + 1 < value.Length && value[position + 1] == '"')
        {
            var key = new StringBuilder();
            var i = position + 2;
            while (true)
            {
                if (i >= value.Length) throw Error("missing closing quote in property name", mark);
                if (value[i] == '"') { i++; break; }
                if (value[i] == '\\' && i + 1 < value.Length && value[i + 1] == '"') { key.Append('"'); i += 2; continue; }
                key.Append(value[i++]);
            }
            if (i >= value.Length || value[i] != ']') throw Error("missing closing bracket in property access", mark);
            position = i + 1;
            return new PropertyKey(key.ToString());
        }

        var close = value.IndexOf(']', position);
        if (close < 0) throw Error("missing closing bracket in list index", mark);
        if (!int.TryParse(value.AsSpan(position + 1, close - position - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            throw Error($"invalid list index '{value[(position + 1)..close]}'", mark);
        if (isRoot) throw Error("a reference must start with a name, not a list index", mark);
        position = close + 1;
        return new PropertyIndex(index);
    }

    private static ProgramFormatException Error(string message, SourceMark mark) => new(message, mark);
}
