using System.Text;
using System.Text.RegularExpressions;

namespace Infra.Components;

/// <summary>
/// One line of a .dockerignore, matched as Docker matches it (docs.docker.com, "Build context", .dockerignore;
/// BuildKit's pattern matcher): Go filepath.Match globs, where <c>*</c> and <c>?</c> stop at <c>/</c>, plus
/// <c>**</c> for any number of directories, zero included; a leading <c>!</c> makes an exception.
/// </summary>
public sealed class DockerIgnorePattern
{
    private readonly Kind _kind;
    private readonly string _text;
    private readonly Regex? _regex;

    private DockerIgnorePattern(string cleaned, bool exception)
    {
        Cleaned = cleaned;
        IsException = exception;
        Components = cleaned.Split('/');
        (_kind, _text, _regex) = Compile(cleaned);
    }

    private enum Kind
    {
        Exact,
        Prefix,
        Suffix,
        Expression,
    }

    /// <summary>The pattern after Docker's clean-up (no <c>!</c>, no leading or trailing slash, no <c>.</c> or <c>..</c>).</summary>
    public string Cleaned { get; }

    /// <summary>True for a <c>!</c> line: it brings back what earlier lines excluded.</summary>
    public bool IsException { get; }

    /// <summary>The pattern's path components.</summary>
    public IReadOnlyList<string> Components { get; }

    /// <summary>
    /// Reads one line as Docker reads it: null for a comment (a line starting with <c>#</c>) or a blank line;
    /// otherwise the pattern trimmed and cleaned like a path, with a leading <c>/</c> dropped (patterns are
    /// relative to the context root either way).
    /// </summary>
    public static DockerIgnorePattern? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.StartsWith('#'))
        {
            return null;
        }

        var pattern = line.Trim();
        if (pattern.Length == 0)
        {
            return null;
        }

        var exception = pattern[0] == '!';
        if (exception)
        {
            pattern = pattern[1..].Trim();
            if (pattern.Length == 0)
            {
                throw new FormatException("illegal exclusion pattern: \"!\"");
            }
        }

        pattern = CleanPath(pattern);
        if (pattern.Length > 1 && pattern[0] == '/')
        {
            pattern = pattern[1..];
        }

        return new DockerIgnorePattern(pattern, exception);
    }

    /// <summary>A glob taken as it is (one component of a cleaned pattern), not read as a .dockerignore line.</summary>
    internal static DockerIgnorePattern Glob(string text) => new(text, exception: false);

    /// <summary>Whether the pattern matches this slash-separated path itself (not its parents).</summary>
    public bool Matches(string path) => _kind switch
    {
        Kind.Exact => path == _text,
        Kind.Prefix => path.StartsWith(_text, StringComparison.Ordinal),
        // A leading ** with a literal rest: any path ending in the rest, and "**/x" also matches "x".
        Kind.Suffix => path.EndsWith(_text, StringComparison.Ordinal) || (_text.StartsWith('/') && path == _text[1..]),
        _ => _regex!.IsMatch(path),
    };

    /// <summary>Whether the pattern matches the path or one of its parent folders (Docker excludes a folder's whole content).</summary>
    public bool MatchesOrParentMatches(string path)
    {
        if (Matches(path))
        {
            return true;
        }

        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            if (Matches(path[..slash]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Go's path.Clean for a slash-separated path: no empty, <c>.</c> or resolvable <c>..</c> elements, no trailing slash.</summary>
    internal static string CleanPath(string path)
    {
        var rooted = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..")
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                else if (!rooted)
                {
                    parts.Add(part);
                }

                continue;
            }

            parts.Add(part);
        }

        var joined = string.Join('/', parts);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    /// <summary>
    /// Turns the glob into Docker's four kinds of match: exact text, a prefix (a trailing <c>**</c>), a suffix (a
    /// leading <c>**</c> with a literal rest) or an anchored expression (any other wildcard).
    /// </summary>
    private static (Kind Kind, string Text, Regex? Regex) Compile(string pattern)
    {
        var expression = new StringBuilder("^");
        var kind = Kind.Exact;
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            if (ch == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                var start = i;
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                {
                    i++; // "**/" counts as "**"
                }

                if (i + 1 == pattern.Length)
                {
                    // A trailing ** takes everything below, as in .gitignore.
                    if (kind == Kind.Exact)
                    {
                        kind = Kind.Prefix;
                    }
                    else
                    {
                        expression.Append(".*");
                        kind = Kind.Expression;
                    }
                }
                else
                {
                    // Any number of folders, none included.
                    expression.Append("(.*/)?");
                    kind = Kind.Expression;
                }

                if (start == 0)
                {
                    kind = Kind.Suffix;
                }
            }
            else if (ch == '*')
            {
                expression.Append("[^/]*");
                kind = Kind.Expression;
            }
            else if (ch == '?')
            {
                expression.Append("[^/]");
                kind = Kind.Expression;
            }
            else if (ch == '\\')
            {
                // The next character stands for itself.
                if (i + 1 < pattern.Length)
                {
                    expression.Append(Regex.Escape(pattern[++i].ToString()));
                    kind = Kind.Expression;
                }
                else
                {
                    expression.Append(@"\\");
                }
            }
            else if (ch is '[' or ']')
            {
                expression.Append(ch);
                kind = Kind.Expression;
            }
            else
            {
                expression.Append(ch is '^' or '-' ? ch.ToString() : Regex.Escape(ch.ToString()));
            }
        }

        return kind switch
        {
            Kind.Exact => (kind, pattern, null),
            Kind.Prefix => (kind, pattern[..^2], null),
            Kind.Suffix => (kind, pattern[2..], null),
            _ => (kind, pattern, new Regex(expression.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))),
        };
    }
}
