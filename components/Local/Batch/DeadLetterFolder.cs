using System.Security.Cryptography;
using System.Text;
using Inference.Contracts;

namespace Infra.Local.Batch;

/// <summary>
/// The local dead-letter location: each poison input under its key, next to <c>&lt;key&gt;.reason.json</c>. A key that
/// cannot be a path inside the folder (<see cref="ObjectKeyPaths"/>: <c>..</c>, <c>.</c> or empty segments, backslashes)
/// is kept under <c>refused-keys/&lt;SHA-256 of the key&gt;</c> instead; its reason names the key.
/// </summary>
public sealed class DeadLetterFolder
{
    public const string ReasonSuffix = ".reason.json";

    /// <summary>The subfolder of the inputs whose key cannot be a path.</summary>
    public const string RefusedKeysFolder = "refused-keys";

    public DeadLetterFolder(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Where the input with this key is kept, always inside the folder; its folder exists.</summary>
    public string InputPath(string key)
    {
        var path = ObjectKeyPaths.Problem(key) is null
            ? ObjectKeyPaths.Under(Path, key, $"dead-letter folder {Path}")
            : System.IO.Path.Combine(Path, RefusedKeysFolder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Writes the reason whole (a temporary file renamed over the target), replacing an older one.</summary>
    public void WriteReason(string key, byte[] reasonJson) => WriteWhole(InputPath(key) + ReasonSuffix, reasonJson);

    public static void WriteWhole(string path, byte[] content)
    {
        var partial = PartialPath(path);
        File.WriteAllBytes(partial, content);
        File.Move(partial, path, overwrite: true);
    }

    /// <summary>Streams <paramref name="content"/> to <paramref name="path"/> through a partial file: an input of any size costs no memory.</summary>
    public static async Task WriteWholeAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        var partial = PartialPath(path);
        try
        {
            await using var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            File.Delete(partial); // no half-copied input is left behind; the error goes on to the pipeline's retry
            throw;
        }

        File.Move(partial, path, overwrite: true);
    }

    private static string PartialPath(string path) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
}
