using Infra.Components;

namespace Infra.Local.Tuning;

/// <summary>How a row's latency was obtained.</summary>
public enum LatencyBasis
{
    /// <summary>Measured with as many CPUs as the size has vCPUs.</summary>
    Measured,

    /// <summary>
    /// The size has a fraction of a vCPU more or less than the CPUs measured: the latency is stretched to the CPU time
    /// Lambda would give (CPU ms per invocation ÷ vCPUs) when that is longer than the measured latency.
    /// </summary>
    CpuShareScaled,

    /// <summary>The size has more vCPUs than this machine has cores: measured with all of them, so an upper bound.</summary>
    CappedByMachine,

    /// <summary>Less memory than the function's measured peak resident memory: Lambda would end it; never recommended.</summary>
    TooSmall,
}

/// <summary>One memory size on the curve: latency, and the cost of a million predictions on x86 and arm64.</summary>
public sealed record PowerCurveRow(
    LambdaSize Size,
    int MeasuredCpus,
    LatencyBasis Basis,
    double P50Ms,
    double P95Ms,
    double MeanMs,
    decimal CostPerMillionX86,
    decimal CostPerMillionArm64);

/// <summary>
/// The latency and cost curve of <c>tune</c>. Cost per 1M predictions = 1M × (the request price + the billed duration
/// × GB × the GB-second price), on <see cref="PriceTable"/>'s us-east-1 list prices. Lambda rounds each invocation up
/// to the next 1 ms, so the billed duration is the mean plus the expected 0.5 ms of rounding. arm64 uses the x86
/// latency: it is an estimate, since this machine is x86.
/// </summary>
public static class PowerCurve
{
    public static IReadOnlyList<PowerCurveRow> Build(IEnumerable<LambdaSize> sizes, IReadOnlyDictionary<int, SizeMeasurement> byCpus, int machineCores)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(byCpus);
        var rows = new List<PowerCurveRow>();
        foreach (var size in sizes.OrderBy(s => s.MemoryMb))
        {
            var cpus = size.PinnedCpus(machineCores);
            var measured = byCpus[cpus];
            // Lambda hands out CPU time in proportion to memory: an invocation that needs C ms of CPU cannot finish in
            // under C / vCPUs ms. Within whole vCPUs that bound is below the measured latency and changes nothing.
            var stretch = Math.Max(1.0, measured.CpuMsPerInvocation / size.Vcpus / measured.MeanMs);
            var basis = size.MemoryMb < byCpus.Values.Max(m => m.PeakRssMb) ? LatencyBasis.TooSmall
                : size.IsCapped(machineCores) ? LatencyBasis.CappedByMachine
                : stretch > 1.0 ? LatencyBasis.CpuShareScaled
                : LatencyBasis.Measured;
            var mean = measured.MeanMs * stretch;
            rows.Add(new PowerCurveRow(
                size,
                cpus,
                basis,
                measured.Percentile(50) * stretch,
                measured.Percentile(95) * stretch,
                mean,
                CostPerMillion(size.MemoryMb, mean, "x86_64"),
                CostPerMillion(size.MemoryMb, mean, "arm64")));
        }

        return rows;
    }

    /// <summary>The mean of rounding durations spread over many 1 ms steps up to the next one.</summary>
    public const double ExpectedRoundingMs = 0.5;

    public static decimal CostPerMillion(int memoryMb, double meanMs, string architecture)
    {
        var billedSeconds = (decimal)(meanMs + ExpectedRoundingMs) / 1000m;
        var perInvocation = PriceTable.LambdaPerRequest + billedSeconds * (memoryMb / 1024m) * PriceTable.LambdaPerGbSecond(architecture);
        return perInvocation * 1_000_000m;
    }

    /// <summary>Costs within this fraction of the cheapest count as equal: below one vCPU, cost is flat up to measurement noise.</summary>
    public const decimal EqualCostTolerance = 0.02m;

    /// <summary>
    /// The cheapest size that holds the function's peak memory (of those meeting the p95 target, when there is one); among sizes within
    /// <see cref="EqualCostTolerance"/> of that cost, the one with the lowest p95. Null when no size meets the target.
    /// </summary>
    public static PowerCurveRow? Recommend(IReadOnlyList<PowerCurveRow> rows, double? targetP95Ms)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var candidates = rows.Where(r => r.Basis != LatencyBasis.TooSmall && (targetP95Ms is not { } target || r.P95Ms <= target)).ToArray();
        if (candidates.Length == 0)
        {
            return null;
        }

        var cheapest = candidates.Min(r => r.CostPerMillionX86);
        return candidates
            .Where(r => r.CostPerMillionX86 <= cheapest * (1 + EqualCostTolerance))
            .OrderBy(r => r.P95Ms)
            .ThenBy(r => r.Size.MemoryMb)
            .First();
    }
}
