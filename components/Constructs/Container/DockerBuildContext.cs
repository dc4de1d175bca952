using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Infra.Components;

/// <summary>
/// The files a Docker build of <c>Dockerfile</c> receives from a folder: everything the applicable .dockerignore
/// lets in. The ignore file is the one pulumi-docker-build (behind awsx:ecr:Image) and BuildKit read: a
/// <c>&lt;Dockerfile&gt;.dockerignore</c> beside the Dockerfile when there is one, else <c>.dockerignore</c> at the
/// folder's root. docker-build decides to rebuild on a hash of exactly these files (path, mode, content) and of the
/// Dockerfile's text, so a tag derived from <see cref="ContentHash"/> changes whenever it would rebuild.
/// </summary>
public sealed class DockerBuildContext
{
    private DockerBuildContext(string root, string dockerfile, string? ignoreFile, IReadOnlyList<string> files)
    {
        Root = root;
        Dockerfile = dockerfile;
        IgnoreFile = ignoreFile;
        Files = files;
    }

    /// <summary>The context folder on this machine.</summary>
    public string Root { get; }

    /// <summary>The Dockerfile, relative to <see cref="Root"/>.</summary>
    public string Dockerfile { get; }

    /// <summary>The ignore file that applies, relative to <see cref="Root"/>; null when there is none.</summary>
    public string? IgnoreFile { get; }

    /// <summary>The context's files, relative to <see cref="Root"/> with <c>/</c> separators, in ordinal order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Reads the context of <paramref name="dockerfile"/> (relative to <paramref name="root"/>); an absent folder has no files.</summary>
    public static DockerBuildContext Load(string root, string dockerfile)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(dockerfile);
        var ignoreFile = new[] { dockerfile + ".dockerignore", ".dockerignore" }.FirstOrDefault(f => File.Exists(Path.Combine(root, f)));
        var ignore = ignoreFile is null ? DockerIgnore.None : DockerIgnore.Read(Path.Combine(root, ignoreFile));
        var files = new List<string>();
        if (Directory.Exists(root))
        {
            Collect(new DirectoryInfo(root), "", ignore, files);
        }

        files.Sort(StringComparer.Ordinal);
        return new DockerBuildContext(root, dockerfile, ignoreFile, files);
    }

    /// <summary>Whether the context holds this file (relative, <c>/</c>-separated).</summary>
    public bool Contains(string file) => Files.Contains(file, StringComparer.Ordinal);

    /// <summary>The files at or below a folder of the context (relative, <c>/</c>-separated; no trailing slash).</summary>
    public IEnumerable<string> FilesUnder(string folder)
    {
        var cleaned = DockerIgnorePattern.CleanPath(folder.Replace('\\', '/')).TrimStart('/');
        return cleaned == "." ? Files : Files.Where(f => f == cleaned || f.StartsWith(cleaned + "/", StringComparison.Ordinal));
    }

    /// <summary>
    /// SHA-256 over the Dockerfile's text, each context file's path, mode and content, the build arguments and the
    /// platform: everything that makes docker-build rebuild the image, so equal hashes mean the same build.
    /// </summary>
    public string ContentHash(IEnumerable<KeyValuePair<string, string>> buildArgs, string platform)
    {
        ArgumentNullException.ThrowIfNull(buildArgs);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var dockerfile = Path.Combine(Root, Dockerfile);
        Append(hash, "dockerfile");
        if (File.Exists(dockerfile))
        {
            AppendContent(hash, dockerfile);
        }

        foreach (var file in Files)
        {
            var info = new FileInfo(Path.Combine(Root, file));
            Append(hash, file);
            // docker-build hashes the mode too: a file made executable is a new build.
            Append(hash, OperatingSystem.IsWindows() ? "-" : ((int)info.UnixFileMode).ToString(CultureInfo.InvariantCulture));
            AppendContent(hash, info.FullName);
        }

        foreach (var (name, value) in buildArgs.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            Append(hash, $"arg {name}={value}");
        }

        Append(hash, "platform " + platform);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Collect(DirectoryInfo folder, string prefix, DockerIgnore ignore, List<string> files)
    {
        foreach (var entry in folder.EnumerateFileSystemInfos())
        {
            var path = prefix + entry.Name;
            if (entry is DirectoryInfo directory)
            {
                // Like BuildKit, a link to a folder is not followed; and a folder no pattern can bring back is skipped whole.
                if (directory.LinkTarget is null && ignore.MayIncludeBelow(path))
                {
                    Collect(directory, path + "/", ignore, files);
                }
            }
            else if (!ignore.Excludes(path))
            {
                files.Add(path);
            }
        }
    }

    private static void Append(IncrementalHash hash, string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\0"));

    /// <summary>Streams the file (a model may be gigabytes) with its length in front, so no two file lists hash alike.</summary>
    private static void AppendContent(IncrementalHash hash, string file)
    {
        using var stream = File.OpenRead(file);
        Append(hash, stream.Length.ToString(CultureInfo.InvariantCulture));
        var buffer = new byte[1 << 16];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }
    }
}
