using Inference.Contracts;

namespace Infra.Local.Tuning;

/// <summary>
/// What a Lambda memory size buys in CPU: <see cref="LambdaCpu.MegabytesPerVcpu"/> MB per vCPU, at most
/// <see cref="LambdaCpu.MaxVcpus"/>, as a share of CPU time below one full vCPU and between whole ones.
/// </summary>
public sealed record LambdaSize(int MemoryMb)
{
    public const int MinMemoryMb = 128;
    public const int MaxMemoryMb = 10_240;

    /// <summary>The default ladder: below one vCPU, at each whole vCPU, and the team stacks' 2,048 and 3,008 MB.</summary>
    public static readonly IReadOnlyList<int> DefaultSizes = [512, 1024, 1769, 2048, 3008, 3538, 5307, 7076, 8845, 10240];

    /// <summary>vCPUs of CPU time (fractional): 1,024 MB gets 0.58 of one.</summary>
    public double Vcpus => Math.Min((double)MemoryMb / LambdaCpu.MegabytesPerVcpu, LambdaCpu.MaxVcpus);

    /// <summary>The intra-op threads the function picks at this size (<see cref="LambdaCpu.ThreadsFor"/>) with no core limit.</summary>
    public int Threads => LambdaCpu.ThreadsFor(MemoryMb, int.MaxValue);

    /// <summary>CPUs to pin the measured process to: the function's threads, at most the cores this machine has.</summary>
    public int PinnedCpus(int machineCores) => Math.Min(Threads, machineCores);

    /// <summary>Whether this machine has fewer cores than the threads the function runs at this size.</summary>
    public bool IsCapped(int machineCores) => Threads > machineCores;
}
