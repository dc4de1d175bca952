using System.Globalization;

namespace ServeLoad;

/// <summary>One look at a Linux process through /proc: resident memory, open file descriptors and threads.</summary>
internal sealed record ProcessSample(int Pid, string Role, long RssKb, int FileDescriptors, int Threads)
{
    public static ProcessSample Take(int pid, string role)
    {
        var rss = File.ReadLines($"/proc/{pid}/status").First(line => line.StartsWith("VmRSS:", StringComparison.Ordinal));
        return new ProcessSample(
            pid,
            role,
            long.Parse(rss["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture),
            Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length,
            Directory.GetFileSystemEntries($"/proc/{pid}/task").Length);
    }

    /// <summary>serve's process and its children (the function processes), sampled now.</summary>
    public static IReadOnlyList<ProcessSample> Tree(int servePid) =>
        [Take(servePid, "serve"), .. ChildrenOf(servePid).Select(pid => Take(pid, "function"))];

    /// <summary>The processes whose parent is <paramref name="pid"/> (field 4 of /proc/PID/stat).</summary>
    private static IEnumerable<int> ChildrenOf(int pid)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var candidate))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue; // the process ended while we listed /proc
            }

            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so parse after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1], CultureInfo.InvariantCulture) == pid)
            {
                yield return candidate;
            }
        }
    }
}
