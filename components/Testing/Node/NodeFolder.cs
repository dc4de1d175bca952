using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;

namespace SchemaCheck.Checking;

/// <summary>
/// The node side of the check: package.json / package-lock.json (exact pins), checker/check.js and node_modules.
/// Installs node_modules with <c>npm ci</c> when it is missing or was installed from another lock file.
/// </summary>
public sealed class NodeProject
{
    private const string StampName = ".schema-check-lock.sha256";

    public NodeProject(string? directory = null)
    {
        Directory = Path.GetFullPath(directory ?? BuiltInDirectory());
        if (!File.Exists(PackageLock))
            throw new InvalidOperationException($"no package-lock.json in {Directory}: pass the SchemaCheck source folder");
    }

    public string Directory { get; }

    public string CheckerScript => Path.Combine(Directory, "checker", "check.js");

    /// <summary>Where generated modules go: under the project, so that they resolve its node_modules.</summary>
    public string GeneratedRoot => Path.Combine(Directory, "obj", "generated");

    private string PackageLock => Path.Combine(Directory, "package-lock.json");

    private string Stamp => Path.Combine(Directory, "node_modules", StampName);

    /// <summary>Runs npm ci if needed (output to <paramref name="log"/>) and returns how long it took, or null when it was not needed.</summary>
    public TimeSpan? EnsureInstalled(TextWriter log)
    {
        if (IsInstalled()) return null;
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "obj"));
        using var installLock = AcquireInstallLock();
        if (IsInstalled()) return null; // another process installed it while we waited

        log.WriteLine($"schema check: installing the pinned npm packages in {Directory} (npm ci)");
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
                Thread.Sleep(500); // another check is running npm ci
            }
        }
    }

    private static string BuiltInDirectory() =>
        typeof(NodeProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "SchemaCheck.NodeProjectDirectory")?.Value
        ?? throw new InvalidOperationException("the build did not record the SchemaCheck source folder");
}
