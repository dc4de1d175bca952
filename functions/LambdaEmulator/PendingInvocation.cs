namespace LambdaEmulator;

/// <summary>An event waiting for, or being handled by, the function process.</summary>
public sealed class PendingInvocation
{
    private readonly TaskCompletionSource<DateTimeOffset> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<(InvocationStatus Status, byte[] Payload, EmulatedError? Error)> _outcome =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingInvocation(byte[] payload, TimeSpan timeout)
    {
        Payload = payload;
        Timeout = timeout;
    }

    public string RequestId { get; } = Guid.NewGuid().ToString();

    /// <summary>An X-Ray style trace header, new for each invocation like Lambda's.</summary>
    public string TraceId { get; } =
        $"Root=1-{DateTimeOffset.UtcNow.ToUnixTimeSeconds():x8}-{Guid.NewGuid().ToString("N")[..24]};Parent={Guid.NewGuid().ToString("N")[..16]};Sampled=0";

    public byte[] Payload { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Completes with the moment GET next handed the event out; the timeout runs from there.</summary>
    public Task<DateTimeOffset> Started => _started.Task;

    public Task<(InvocationStatus Status, byte[] Payload, EmulatedError? Error)> Outcome => _outcome.Task;

    internal DateTimeOffset MarkStarted()
    {
        var now = DateTimeOffset.UtcNow;
        _started.TrySetResult(now);
        return now;
    }

    internal bool Complete(InvocationStatus status, byte[] payload, EmulatedError? error) =>
        _outcome.TrySetResult((status, payload, error));
}
