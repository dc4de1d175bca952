namespace Inference.Storage;

/// <summary>Exponential backoff with full jitter: attempt n waits a random time in [0, min(MaxDelay, BaseDelay·2ⁿ)).</summary>
public sealed record DownloadRetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    public static DownloadRetryPolicy Default { get; } = new(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5));

    public TimeSpan DelayBefore(int retry, Random random)
    {
        var cap = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, retry));
        return TimeSpan.FromMilliseconds(random.NextDouble() * cap);
    }
}
