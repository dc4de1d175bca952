using LambdaEmulator;

namespace Infra.Local.Lambda;

/// <summary>One Lambda execution environment: one function process, one event at a time.</summary>
public interface IExecutionEnvironment : IAsyncDisposable
{
    Task<InvocationResult> InvokeAsync(byte[] payload, CancellationToken cancellationToken);

    /// <summary>The peak resident memory of the current process in MB, when it is running.</summary>
    double? PeakMemoryMb();

    /// <summary>The last output of the process, for error reports.</summary>
    string RecentOutput();
}

/// <summary>An execution environment backed by the Lambda Runtime API emulator and a real function process.</summary>
public sealed class EmulatedEnvironment : IExecutionEnvironment
{
    private readonly FunctionEmulator _emulator;

    private EmulatedEnvironment(FunctionEmulator emulator) => _emulator = emulator;

    /// <summary>The process id, for tests that check a stopped instance's process is gone.</summary>
    public int? ProcessId => _emulator.ProcessId;

    /// <param name="output">Where the process's stdout and stderr are copied as they arrive, if anywhere.</param>
    public static async Task<IExecutionEnvironment> StartAsync(FunctionDefinition definition, CancellationToken cancellationToken, TextWriter? output = null) =>
        new EmulatedEnvironment(await FunctionEmulator.StartAsync(definition, output, cancellationToken).ConfigureAwait(false));

    public Task<InvocationResult> InvokeAsync(byte[] payload, CancellationToken cancellationToken) =>
        _emulator.InvokeAsync(payload, cancellationToken);

    public double? PeakMemoryMb() => _emulator.ProcessId is { } id ? ProcessMemory.PeakResidentMb(id) : null;

    public string RecentOutput() => _emulator.RecentOutput();

    public ValueTask DisposeAsync() => _emulator.DisposeAsync();
}

/// <summary>Reads a process's peak resident set size (VmHWM) from /proc, as Lambda's "Max Memory Used" reports it.</summary>
public static class ProcessMemory
{
    public static double? PeakResidentMb(int processId)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            {
                // "VmHWM:    412345 kB"
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kilobytes = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                    return Math.Round(kilobytes / 1024.0, 1);
                }
            }

            return null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // The process ended between the invocation and this read (or this is not Linux).
            return null;
        }
    }
}
