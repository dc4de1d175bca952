namespace Benchmarks;

internal static class Stats
{
    /// <summary>Nearest-rank percentile of an unsorted sample.</summary>
    public static double Percentile(IReadOnlyCollection<double> sample, double percentile)
    {
        var sorted = sample.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyCollection<double> sample) => Percentile(sample, 50);
}
