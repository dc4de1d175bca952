using System.Diagnostics;
using System.Security.Cryptography;

namespace Infra.Testing.Node;

/// <summary>
/// A folder of npm packages pinned by its package.json / package-lock.json (exact versions). Installs node_modules with
/// <c>npm ci --ignore-scripts</c> when it is missing or was installed from another lock file, once, under a file lock
/// that concurrent test processes share.
/// </summary>
public sealed class NodeFolder
{
    private const string StampName = ".npm-ci-lock.sha256";

    public NodeFolder(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory = Path.GetFullPath(directory);
        if (!File.Exists(PackageLock))
            throw new InvalidOperationException($"no package-lock.json in {Directory}");
    }

    public string Directory { get; }

    private string PackageLock => Path.Combine(Directory, "package-lock.json");

    private string Stamp => Path.Combine(Directory, "node_modules", StampName);

    /// <summary>Runs npm ci if needed (output to <paramref name="log"/>) and returns how long it took, or null when it was not needed.</summary>
    public TimeSpan? EnsureInstalled(TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (IsInstalled()) return null;
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "obj"));
        using var installLock = AcquireInstallLock();
        if (IsInstalled()) return null; // another process installed it while we waited

        log.WriteLine($"installing the pinned npm packages in {Directory} (npm ci)");
        var watch = Stopwatch.StartNew();
        var result = ProcessRunner.Run("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], Directory, log);
        if (result.ExitCode != 0) throw new InvalidOperationException($"npm ci failed with exit code {result.ExitCode} in {Directory}");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Stamp)!); // npm creates none for a lock without packages
        File.WriteAllText(Stamp, LockHash());
        return watch.Elapsed;
    }

    private bool IsInstalled() => File.Exists(Stamp) && File.ReadAllText(Stamp) == LockHash();

    private string LockHash() => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(PackageLock)));

    private FileStream AcquireInstallLock()
    {
        var path = Path.Combine(Directory, "obj", "npm-ci.lock");
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(500); // another test process is running npm ci
            }
        }
    }
}
