namespace Inference.Service;

/// <summary>
/// The time an invocation may use: Lambda-Runtime-Deadline-Ms minus a safety margin that leaves
/// room to send an answer before Lambda stops the process.
/// </summary>
public sealed class InvocationDeadline
{
    private readonly TimeProvider _clock;

    public InvocationDeadline(long deadlineUnixMs, TimeSpan safetyMargin, TimeProvider clock)
    {
        _clock = clock;
        WorkEndsAt = DateTimeOffset.FromUnixTimeMilliseconds(deadlineUnixMs) - safetyMargin;
    }

    /// <summary>When work must stop so the answer still reaches the Runtime API in time.</summary>
    public DateTimeOffset WorkEndsAt { get; }

    public TimeSpan Remaining
    {
        get
        {
            var remaining = WorkEndsAt - _clock.GetUtcNow();
            return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }
    }

    public bool IsExpired => Remaining == TimeSpan.Zero;

    /// <summary>A source that cancels when the work budget is spent; dispose it after the invocation.</summary>
    public CancellationTokenSource CreateCancellationSource() => new(Remaining, _clock);
}
