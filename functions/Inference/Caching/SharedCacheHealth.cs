namespace Inference.Caching;

/// <summary>
/// Tells when the shared cache stops and starts answering, so that an outage is reported once when it begins and once
/// when it ends, not on every request in between (each failed call is still counted by the request's CacheErrors metric).
/// </summary>
/// <param name="outageStarted">Called with the first failure's message.</param>
/// <param name="outageEnded">Called with the number of failed calls and how long the outage lasted.</param>
public sealed class SharedCacheHealth(Action<string> outageStarted, Action<long, TimeSpan> outageEnded, TimeProvider time)
{
    private readonly Lock _lock = new();
    private long _failedCalls;
    private DateTimeOffset _since;

    public void Failed(string error)
    {
        lock (_lock)
        {
            if (_failedCalls++ > 0)
            {
                return;
            }

            _since = time.GetUtcNow();
        }

        outageStarted(error);
    }

    public void Succeeded()
    {
        long failedCalls;
        TimeSpan duration;
        lock (_lock)
        {
            if (_failedCalls == 0)
            {
                return;
            }

            (failedCalls, duration) = (_failedCalls, time.GetUtcNow() - _since);
            _failedCalls = 0;
        }

        outageEnded(failedCalls, duration);
    }
}
