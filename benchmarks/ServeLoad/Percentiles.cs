namespace ServeLoad;

internal static class Percentiles
{
    /// <summary>The nearest-rank percentile of the latencies (0 when there are none).</summary>
    public static double Of(IEnumerable<Outcome> outcomes, double percentile)
    {
        var sorted = outcomes.Select(o => o.LatencyMs).Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
