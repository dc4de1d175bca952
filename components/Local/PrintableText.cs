using System.Globalization;
using System.Text;

namespace Infra.Local;

/// <summary>
/// Text that serve prints to the operator's terminal, made inert: a request path or a file name can carry CR/LF (a
/// forged log line), ESC and C1 sequences (a retitled terminal, hidden text), Unicode line separators and bidi
/// overrides (text shown in another order than it is). Each such character is written as a visible escape, and the
/// backslash itself is doubled, so every printed line is one line and reads back unambiguously.
/// </summary>
public static class PrintableText
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(NeedsEscape))
        {
            return text ?? string.Empty;
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\\' => escaped.Append(@"\\"),
                '\r' => escaped.Append(@"\r"),
                '\n' => escaped.Append(@"\n"),
                '\t' => escaped.Append(@"\t"),
                _ when !NeedsEscape(c) => escaped.Append(c),
                _ when c <= '\u00ff' => escaped.Append(CultureInfo.InvariantCulture, $@"\x{(int)c:x2}"),
                _ => escaped.Append(CultureInfo.InvariantCulture, $@"\u{(int)c:x4}"),
            };
        }

        return escaped.ToString();
    }

    private static bool NeedsEscape(char c) =>
        c == '\\'
        || char.IsControl(c) // C0, DEL and C1
        || c is '\u2028' or '\u2029' // line and paragraph separators
        || c is '\u061c' or '\u200e' or '\u200f' // bidi marks
        || c is >= '\u202a' and <= '\u202e' // bidi embeddings and overrides
        || c is >= '\u2066' and <= '\u2069'; // bidi isolates
}
