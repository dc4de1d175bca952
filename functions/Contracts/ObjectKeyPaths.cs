namespace Inference.Contracts;

/// <summary>
/// The one rule for keeping S3 object keys as files under a folder, part of the contract: the function's folder store and
/// serve's batch folders both keep keys by it. S3 takes any key, but a key with an empty, <c>.</c> or <c>..</c> segment or a
/// backslash would name another place (or another file) once joined into a path, so such keys are refused.
/// </summary>
public static class ObjectKeyPaths
{
    /// <returns>Why <paramref name="key"/> cannot be kept as a file, or null when it can.</returns>
    public static string? Problem(string key) =>
        key.Length == 0 || key.Contains('\0', StringComparison.Ordinal) || key.Contains('\\', StringComparison.Ordinal)
            || key.Split('/').Any(s => s.Length == 0 || s == "." || s == "..")
            ? "it must be a relative path without empty, '.' or '..' segments or backslashes"
            : null;

    /// <summary>The file of <paramref name="key"/> under <paramref name="folder"/> (a full path).</summary>
    /// <param name="where">Where the key was to be kept, for the error.</param>
    /// <exception cref="ArgumentException">The key breaks the rule, or still resolves outside the folder.</exception>
    public static string Under(string folder, string key, string where)
    {
        if (Problem(key) is { } problem)
        {
            throw new ArgumentException($"Object key '{key}' cannot be stored as a file under {where}: {problem}.", nameof(key));
        }

        var path = Path.GetFullPath(Path.Combine([folder, .. key.Split('/')]));
        // Defence in depth: whatever the rule missed must still land inside the folder.
        return path.StartsWith(Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException($"Object key '{key}' resolves outside folder {folder}.", nameof(key));
    }
}
