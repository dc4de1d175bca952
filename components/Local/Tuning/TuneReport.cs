using System.Globalization;

namespace Infra.Local.Tuning;

/// <summary>Prints the curve as a table, the recommendation and what in it is measured, scaled or estimated.</summary>
public sealed class TuneReport(TextWriter output)
{
    /// <summary>Below this share of CPU time in the latency at one CPU, the function mostly waited for the CPU, not for its work.</summary>
    public const double BusyMachineShare = 0.7;

    /// <param name="busy">The one-CPU measurement, if any: it shows whether the machine let the function run.</param>
    public void Write(IReadOnlyList<PowerCurveRow> rows, int machineCores, double? targetP95Ms, PowerCurveRow? recommended, string loadAverage, SizeMeasurement? busy = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
        output.WriteLine();
        output.WriteLine("| memory | vCPUs | CPUs measured | p50 | p95 | x86_64 $ per 1M | arm64 $ per 1M (latency estimated) | latency |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            var mark = row == recommended ? " ←" : string.Empty;
            output.WriteLine(F($"| {row.Size.MemoryMb} MB{mark} | {row.Size.Vcpus:0.00} | {row.MeasuredCpus} | {row.P50Ms:0.0} ms | {row.P95Ms:0.0} ms | {row.CostPerMillionX86:0.00} | {row.CostPerMillionArm64:0.00} | {Describe(row.Basis, machineCores)} |"));
        }

        output.WriteLine();
        output.WriteLine("cost: Lambda's request price plus the mean duration (+0.5 ms, Lambda's expected round-up to 1 ms) × memory, us-east-1 list prices, per 1M predictions.");
        output.WriteLine("arm64: the x86_64 latency priced at the arm64 rate; this machine is x86, so arm64 latency is an estimate, not a measurement.");
        if (rows.Any(r => r.Basis == LatencyBasis.CappedByMachine))
        {
            output.WriteLine(F($"capped: this machine has {machineCores} cores, so sizes with more vCPUs were measured with {machineCores}: their latency and cost are upper bounds."));
        }

        output.WriteLine(F($"load average at the end: {loadAverage} (other work on this machine slows every row alike; compare rows, not absolute times)."));
        if (busy is { } oneCpu && oneCpu.CpuMsPerInvocation < BusyMachineShare * oneCpu.MeanMs)
        {
            output.WriteLine(F($"warning: pinned to one CPU the function computed only {oneCpu.CpuMsPerInvocation / oneCpu.MeanMs:P0} of each request's time: other work on this machine held that CPU, so latencies are inflated and the vCPU-share scaling cannot show; rerun when the machine is quieter."));
        }
        if (recommended is null)
        {
            var fastest = rows.Where(r => r.Basis != LatencyBasis.TooSmall).MinBy(r => r.P95Ms)!;
            output.WriteLine(F($"recommended: none meets p95 ≤ {targetP95Ms} ms; the fastest is {fastest.Size.MemoryMb} MB at p95 {fastest.P95Ms:0.0} ms."));
            return;
        }

        var why = targetP95Ms is { } target ? F($"the cheapest with p95 ≤ {target} ms") : "the lowest cost (the fastest of sizes within 2 % of it)";
        output.WriteLine(F($"recommended: {recommended.Size.MemoryMb} MB, {why}: p50 {recommended.P50Ms:0.0} ms, p95 {recommended.P95Ms:0.0} ms, ${recommended.CostPerMillionX86:0.00} per 1M predictions (arm64 ${recommended.CostPerMillionArm64:0.00}, estimated)."));
    }

    private static string Describe(LatencyBasis basis, int machineCores) => basis switch
    {
        LatencyBasis.Measured => "measured",
        LatencyBasis.CpuShareScaled => "scaled to the vCPU share",
        LatencyBasis.TooSmall => "too small: below the function's peak resident memory",
        _ => $"capped at {machineCores} CPUs (upper bound)",
    };
}
