using TestModels;

namespace Packaging.Tests;

/// <summary>
/// deploy/pack.sh serializes packs with flock(1) on .build/pack.lock. Whatever the pack leaves running must not hold
/// that lock: a CI run (nested dotnet processes reuse MSBuild nodes there) once made the next pack wait fifteen minutes
/// for an idle MSBuild node that had inherited it.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class PackLockTests(PackedFeed feed)
{
    [Fact]
    public void After_a_pack_only_a_running_flock_holds_the_pack_lock()
    {
        Assert.NotEmpty(feed.PackageFiles);
        Assert.True(OperatingSystem.IsLinux(), "the lock holders are read from /proc; deploy/pack.sh locks only where flock(1) exists");
        var lockFile = Path.Combine(RepositoryFolder.Root, ".build", "pack.lock");
        Assert.True(File.Exists(lockFile), $"deploy/pack.sh locks {lockFile}");

        var holders = LockHolders(Path.GetFullPath(lockFile)).Where(holder => holder.Command != "flock").ToList();

        Assert.True(holders.Count == 0,
            "processes other than flock hold the pack lock, so the next pack waits for them to exit: "
            + string.Join("; ", holders.Select(h => $"{h.Pid} {h.CommandLine}")));
    }

    private sealed record Holder(int Pid, string Command, string CommandLine);

    /// <summary>Every process with a descriptor open on the file, from /proc/PID/fd (processes that exit meanwhile are passed over).</summary>
    private static IEnumerable<Holder> LockHolders(string file)
    {
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), out var pid) || !HoldsOpen(process, file))
            {
                continue;
            }

            var command = ReadOrEmpty(Path.Combine(process, "comm")).Trim();
            var commandLine = ReadOrEmpty(Path.Combine(process, "cmdline")).Replace('\0', ' ').Trim();
            yield return new Holder(pid, command, commandLine);
        }
    }

    private static bool HoldsOpen(string process, string file)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd"))
                .Any(descriptor => new FileInfo(descriptor).LinkTarget == file);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or DirectoryNotFoundException or IOException)
        {
            return false; // another user's process, or one that exited while it was read
        }
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or IOException)
        {
            return ""; // the process exited while it was read
        }
    }
}
