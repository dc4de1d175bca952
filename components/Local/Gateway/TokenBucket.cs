namespace Infra.Local.Gateway;

/// <summary>
/// API Gateway's throttling algorithm: a bucket of <c>burst</c> tokens refilled at <c>rate</c> per
/// second; a request takes one token or is throttled (429). Thread-safe.
/// </summary>
public sealed class TokenBucket
{
    private readonly double _rate;
    private readonly double _burst;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private double _tokens;
    private long _last;

    public TokenBucket(double ratePerSecond, int burst, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _rate = ratePerSecond;
        _burst = Math.Max(1, burst);
        _clock = clock;
        _tokens = _burst;
        _last = clock.GetTimestamp();
    }

    public bool TryTake()
    {
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + (_clock.GetElapsedTime(_last, now).TotalSeconds * _rate));
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }
}
