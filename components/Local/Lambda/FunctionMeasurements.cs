namespace Infra.Local.Lambda;

/// <summary>One function's invocation durations and peak memory, as <c>preview</c>'s cost estimate reads them.</summary>
public sealed record MeasurementSummary(int Invocations, double P50DurationMs, double P95DurationMs, double MaxMemoryMb, DateTimeOffset MeasuredAt);

/// <summary>
/// Durations of one function's invocations (without the init phase of a cold start: Lambda bills
/// and reports init separately) and the peak resident memory of its processes. Thread-safe.
/// </summary>
public sealed class FunctionMeasurements
{
    private readonly Lock _gate = new();
    private readonly List<double> _durationsMs = [];
    private double _maxMemoryMb;

    public void Record(TimeSpan duration, double? peakMemoryMb)
    {
        lock (_gate)
        {
            _durationsMs.Add(duration.TotalMilliseconds);
            if (peakMemoryMb > _maxMemoryMb)
            {
                _maxMemoryMb = peakMemoryMb.Value;
            }
        }
    }

    /// <summary>The summary so far; null before the first invocation.</summary>
    public MeasurementSummary? Summarize(DateTimeOffset now)
    {
        double[] sorted;
        double memory;
        lock (_gate)
        {
            sorted = [.. _durationsMs];
            memory = _maxMemoryMb;
        }

        if (sorted.Length == 0)
        {
            return null;
        }

        Array.Sort(sorted);
        return new MeasurementSummary(sorted.Length, Round(Percentile(sorted, 0.50)), Round(Percentile(sorted, 0.95)), memory, now);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double fraction)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var rank = (int)Math.Ceiling(fraction * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static double Round(double value) => Math.Round(value, 1);
}
