using LambdaEmulator;

namespace Infra.Local.Batch;

/// <summary>The function the pipeline invokes, with the output it printed (where the handler says why a message is retried).</summary>
public interface IBatchFunction
{
    Task<InvocationResult> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    string RecentOutput();
}

/// <summary>One function process behind the Lambda Runtime API emulator.</summary>
public sealed class EmulatedBatchFunction(FunctionEmulator emulator) : IBatchFunction
{
    public Task<InvocationResult> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        emulator.InvokeAsync(payload, cancellationToken);

    public string RecentOutput() => emulator.RecentOutput();
}
