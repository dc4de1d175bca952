using Infra.Core;

namespace Infra.Components;

/// <summary>
/// A published function folder: the path Pulumi resolves from the program folder, and the
/// same folder on this machine, which synthesis measures against Lambda's package limits.
/// </summary>
public sealed record CodeDirectory(string PathFromProgram, string LocalPath)
{
    /// <summary>Lambda's limit for a zip uploaded directly with the function.</summary>
    public const long DirectUploadLimitBytes = 50L * 1024 * 1024;

    /// <summary>Lambda's limit for the unzipped package, layers included.</summary>
    public const long UnzippedLimitBytes = 250L * 1024 * 1024;

    /// <summary>The unzipped size, or null when the folder has not been published yet.</summary>
    public long? UnzippedBytes() =>
        Directory.Exists(LocalPath)
            ? new DirectoryInfo(LocalPath).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
            : null;

    public static CodeDirectory FromProject(ProjectLayout layout, string pathFromRoot)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return new CodeDirectory(layout.FromProgram(pathFromRoot), Path.Combine(layout.RootDirectory, pathFromRoot));
    }
}
