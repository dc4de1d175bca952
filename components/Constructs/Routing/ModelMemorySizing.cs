namespace Infra.Components;

/// <summary>
/// The router's cost-aware default memory for a function, from the sizes of the models it loads. Two measured facts
/// (docs/benchmarks.md, "Router memory sizing") drive it:
/// <list type="bullet">
/// <item>Resident memory: a function process serving one tiny model peaks at about <see cref="RuntimeBaselineMb"/>, and each
/// MB of ONNX file adds about <see cref="ResidentMbPerModelMb"/> MB (the weights, ORT's optimized copy, arenas).</item>
/// <item>Compute: a small model answers in about a millisecond, so a larger size buys nothing but cost; a large model is
/// compute-bound, and below 1,769 MB (one full vCPU) Lambda's CPU share, and so its duration, scales with memory, which
/// makes the full vCPU cost about the same per request while it answers much faster.</item>
/// </list>
/// The default is the measured need times <see cref="Headroom"/>, rounded up to 64 MB, at least Lambda's 128 MB; for a
/// function that loads a model of <see cref="ComputeBoundModelMb"/> or more, at least <see cref="FullVcpuMb"/>.
/// </summary>
public static class ModelMemorySizing
{
    public const int RuntimeBaselineMb = 92;
    public const double ResidentMbPerModelMb = 4.2;
    public const double Headroom = 1.5;
    public const double ComputeBoundModelMb = 16;
    public const int FullVcpuMb = 1769;
    public const int StepMb = 64;

    /// <summary>The default memory of a function that loads models of these sizes (MB).</summary>
    public static int For(IReadOnlyCollection<double> modelSizesMb)
    {
        ArgumentNullException.ThrowIfNull(modelSizesMb);
        var needed = (RuntimeBaselineMb + modelSizesMb.Sum() * ResidentMbPerModelMb) * Headroom;
        var fit = (int)Math.Ceiling(needed / StepMb) * StepMb;
        var floor = modelSizesMb.Any(size => size >= ComputeBoundModelMb) ? FullVcpuMb : 128;
        return Math.Min(10_240, Math.Max(fit, floor));
    }
}
