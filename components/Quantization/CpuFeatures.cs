namespace Infra.Quantization;

/// <summary>The CPU's integer dot-product instructions, which decide how much faster INT8 kernels can be.</summary>
internal static class CpuFeatures
{
    private static readonly string[] IntegerDotProduct = ["avx512_vnni", "avx_vnni", "amx_int8", "avx512bw", "avx2"];

    /// <summary>E.g. "CPU: avx2; no VNNI"; read from /proc/cpuinfo (Linux).</summary>
    public static string Describe()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo))
        {
            return "CPU flags unknown";
        }

        var flags = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':')[1]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal) ?? [];
        var present = IntegerDotProduct.Where(flags.Contains).ToList();
        var vnni = present.Any(f => f.Contains("vnni", StringComparison.Ordinal) || f.StartsWith("amx", StringComparison.Ordinal));
        return $"CPU: {(present.Count == 0 ? "none of " + string.Join(", ", IntegerDotProduct) : string.Join(", ", present))}{(vnni ? "" : "; no VNNI")}, {Environment.ProcessorCount} cores";
    }
}
