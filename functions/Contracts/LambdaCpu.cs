namespace Inference.Contracts;

/// <summary>Lambda gives CPU in proportion to memory: one vCPU per 1,769 MB, at most 6.</summary>
public static class LambdaCpu
{
    public const int MegabytesPerVcpu = 1769;
    public const int MaxVcpus = 6;

    /// <summary>The intra-op thread count for the configured memory, never above the cores the process sees.</summary>
    public static int ThreadsFor(int? memoryMegabytes, int processorCount)
    {
        var vcpus = memoryMegabytes is > 0 and { } mb
            ? Math.Clamp((mb + MegabytesPerVcpu - 1) / MegabytesPerVcpu, 1, MaxVcpus)
            : processorCount;
        return Math.Max(1, Math.Min(vcpus, processorCount));
    }
}
