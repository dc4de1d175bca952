using System.Globalization;

namespace Infra.Local.Gateway;

/// <summary>
/// A usage plan's quota for one key: at most <c>limit</c> requests per calendar DAY, WEEK (from
/// Monday) or MONTH in UTC, counted from the start of this serve run. Thread-safe.
/// </summary>
public sealed class UsageQuota
{
    private readonly int _limit;
    private readonly string _period;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private string _currentPeriod = "";
    private int _used;

    public UsageQuota(int limit, string period, TimeProvider clock)
    {
        if (period is not ("DAY" or "WEEK" or "MONTH"))
        {
            throw new ServeException($"usage plan quota period '{period}' is not supported: expected DAY, WEEK or MONTH");
        }

        _limit = limit;
        _period = period;
        _clock = clock;
    }

    /// <summary>Counts the request; false when the period's quota is already used up.</summary>
    public bool TryConsume()
    {
        lock (_gate)
        {
            var period = PeriodOf(_clock.GetUtcNow());
            if (period != _currentPeriod)
            {
                _currentPeriod = period;
                _used = 0;
            }

            if (_used >= _limit)
            {
                return false;
            }

            _used++;
            return true;
        }
    }

    private string PeriodOf(DateTimeOffset now) => _period switch
    {
        "DAY" => now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        "WEEK" => now.Date.AddDays(-(((int)now.DayOfWeek + 6) % 7)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => now.ToString("yyyy-MM", CultureInfo.InvariantCulture),
    };
}
