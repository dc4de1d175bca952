namespace Infra.Components;

/// <summary>
/// The patterns of a .dockerignore, in file order. A path is left out of the build context when the last
/// pattern that matches it, or one of its parent folders, is not an exception (<c>!</c>): the last match wins.
/// </summary>
public sealed class DockerIgnore
{
    private readonly IReadOnlyList<DockerIgnorePattern> _patterns;

    public DockerIgnore(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        _patterns = lines.Select(DockerIgnorePattern.Parse).OfType<DockerIgnorePattern>().ToList();
    }

    /// <summary>No patterns: the whole folder is the context.</summary>
    public static DockerIgnore None { get; } = new([]);

    public static DockerIgnore Read(string file) =>
        new(File.ReadAllLines(file).Select((line, index) => index == 0 ? line.TrimStart('\uFEFF') : line));

    /// <summary>Whether Docker leaves this path (relative to the context, slash-separated) out of the context.</summary>
    public bool Excludes(string path)
    {
        var excluded = false;
        foreach (var pattern in _patterns)
        {
            // Only a pattern that could change the outcome is tried: an exclusion while included, an exception while excluded.
            if (pattern.IsException != excluded)
            {
                continue;
            }

            if (pattern.MatchesOrParentMatches(path))
            {
                excluded = !pattern.IsException;
            }
        }

        return excluded;
    }

    /// <summary>
    /// Whether a folder may hold a file of the context: it is not excluded itself, or an exception pattern could
    /// match something below it (one starting with <c>**</c> anywhere, or one whose leading components match the
    /// folder's and that is longer). A folder for which this is false can be skipped whole.
    /// </summary>
    public bool MayIncludeBelow(string folder)
    {
        if (!Excludes(folder))
        {
            return true;
        }

        var parts = folder.Split('/');
        return _patterns.Where(p => p.IsException).Any(p => CouldMatchBelow(p.Components, parts));
    }

    private static bool CouldMatchBelow(IReadOnlyList<string> pattern, string[] folder)
    {
        for (var i = 0; i < pattern.Count; i++)
        {
            if (pattern[i].Contains("**", StringComparison.Ordinal) || pattern[i].Contains('['))
            {
                return true; // may span any number of folders (or, in a class, a slash): keep walking
            }

            if (i == folder.Length)
            {
                return true; // the pattern goes on below the folder
            }

            if (!DockerIgnorePattern.Glob(pattern[i]).Matches(folder[i]))
            {
                return false;
            }
        }

        return false;
    }
}
