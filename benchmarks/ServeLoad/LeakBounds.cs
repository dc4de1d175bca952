using System.Globalization;

namespace ServeLoad;

/// <summary>
/// Compares serve's process tree before and after the measured load: memory may grow by less than
/// <see cref="MaxRssGrowth"/>, descriptors and threads by at most a few. A leak of one handle or thread per
/// thousand requests would show up as 20 after 20,000; a handful covers the connections and pool threads that
/// come and go with the load's last step.
/// </summary>
internal static class LeakBounds
{
    public const double MaxRssGrowth = 0.05;
    public const int MaxFileDescriptorGrowth = 4;
    public const int MaxThreadGrowth = 4;

    /// <param name="checkMemory">false: only descriptors, threads and exits count (memory is reported, not judged).</param>
    /// <returns>Every broken bound, described; empty when the tree stayed within them.</returns>
    public static List<string> Check(IReadOnlyList<ProcessSample> before, IReadOnlyList<ProcessSample> after, bool checkMemory = true)
    {
        var c = CultureInfo.InvariantCulture;
        var problems = new List<string>();
        foreach (var first in before)
        {
            var last = after.FirstOrDefault(s => s.Pid == first.Pid);
            if (last is null)
            {
                problems.Add(string.Create(c, $"{first.Role} process {first.Pid} exited during the load"));
                continue;
            }

            var growth = (double)(last.RssKb - first.RssKb) / first.RssKb;
            if (checkMemory && growth >= MaxRssGrowth)
            {
                problems.Add(string.Create(c, $"{first.Role} {first.Pid}: resident memory grew {growth:P1} ({first.RssKb} → {last.RssKb} kB), the bound is below {MaxRssGrowth:P0}"));
            }

            if (last.FileDescriptors - first.FileDescriptors > MaxFileDescriptorGrowth)
            {
                problems.Add(string.Create(c, $"{first.Role} {first.Pid}: open descriptors grew from {first.FileDescriptors} to {last.FileDescriptors} (at most +{MaxFileDescriptorGrowth} allowed)"));
            }

            if (last.Threads - first.Threads > MaxThreadGrowth)
            {
                problems.Add(string.Create(c, $"{first.Role} {first.Pid}: threads grew from {first.Threads} to {last.Threads} (at most +{MaxThreadGrowth} allowed)"));
            }
        }

        return problems;
    }
}
