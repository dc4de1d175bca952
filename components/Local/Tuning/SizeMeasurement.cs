namespace Infra.Local.Tuning;

/// <summary>
/// Warm invocations of the function pinned to <paramref name="Cpus"/> CPUs: the client-side latencies (enqueue to
/// answer, in ms), the function process's CPU time per invocation (user + system, in ms), and the CPUs the kernel
/// let the process run on (<c>Cpus_allowed_list</c>), which shows that the pinning took effect, and the process's peak
/// resident memory (<c>VmHWM</c>), below which a memory size cannot run it.
/// </summary>
public sealed record SizeMeasurement(int Cpus, IReadOnlyList<double> LatenciesMs, double CpuMsPerInvocation, string AllowedCpus, int PeakRssMb = 0)
{
    public double MeanMs => LatenciesMs.Average();

    /// <summary>Nearest-rank percentile.</summary>
    public double Percentile(double percentile)
    {
        var sorted = LatenciesMs.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
