namespace Inference.GpuEndpoint;

/// <summary>
/// The clock, the waits and the jitter of the front's retries, injected so that tests run them without sleeping: the
/// budget and each try's limit are measured on <see cref="Time"/>, and the wait between tries is <see cref="Delay"/>.
/// </summary>
public sealed record RetryTiming(TimeProvider Time, Func<TimeSpan, CancellationToken, Task> Delay, Func<double> Random)
{
    /// <summary>The first retry waits up to this long; each further one up to twice as long as the one before.</summary>
    public static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>No wait is longer than this.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    public static RetryTiming System { get; } = new(TimeProvider.System, (wait, token) => Task.Delay(wait, token), global::System.Random.Shared.NextDouble);

    /// <summary>
    /// Exponential backoff with full jitter: uniform in [0, min(<see cref="MaxDelay"/>, <see cref="BaseDelay"/>·2^(retry-1))),
    /// so fronts that were throttled together do not come back together.
    /// </summary>
    /// <param name="retry">1 for the wait before the second try.</param>
    public TimeSpan Backoff(int retry)
    {
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, retry - 1));
        return TimeSpan.FromMilliseconds(ceiling * Random());
    }
}
