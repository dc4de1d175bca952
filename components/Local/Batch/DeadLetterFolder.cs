namespace Infra.Local.Batch;

/// <summary>The local dead-letter location: each poison input under its key, next to <c>&lt;key&gt;.reason.json</c>.</summary>
public sealed class DeadLetterFolder
{
    public const string ReasonSuffix = ".reason.json";

    public DeadLetterFolder(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Where the input with this key is kept; its folder exists.</summary>
    public string InputPath(string key)
    {
        var path = System.IO.Path.Combine([Path, .. key.Split('/')]);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Writes the reason whole (a temporary file renamed over the target), replacing an older one.</summary>
    public void WriteReason(string key, byte[] reasonJson) => WriteWhole(InputPath(key) + ReasonSuffix, reasonJson);

    public static void WriteWhole(string path, byte[] content)
    {
        var partial = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
        File.WriteAllBytes(partial, content);
        File.Move(partial, path, overwrite: true);
    }
}
