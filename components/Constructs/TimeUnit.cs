using System.Globalization;

namespace Infra.Components;

/// <summary>The unit in which AWS takes a duration setting: a count of whole seconds, minutes or days.</summary>
internal sealed record TimeUnit(string Name, TimeSpan Length)
{
    public static readonly TimeUnit Milliseconds = new("milliseconds", TimeSpan.FromMilliseconds(1));
    public static readonly TimeUnit Seconds = new("seconds", TimeSpan.FromSeconds(1));
    public static readonly TimeUnit Minutes = new("minutes", TimeSpan.FromMinutes(1));
    public static readonly TimeUnit Hours = new("hours", TimeSpan.FromHours(1));
    public static readonly TimeUnit Days = new("days", TimeSpan.FromDays(1));

    public bool IsWhole(TimeSpan value) => value.Ticks % Length.Ticks == 0;

    /// <summary>How many whole units <paramref name="value"/> is (call after <see cref="IsWhole"/>).</summary>
    public long Count(TimeSpan value) => value.Ticks / Length.Ticks;

    /// <summary>A duration in the largest unit it is a whole number of, for error messages: <c>30 days</c>, <c>1 minute</c>, <c>29.5 seconds</c>.</summary>
    public static string Describe(TimeSpan value)
    {
        foreach (var unit in new[] { Days, Hours, Minutes, Seconds })
        {
            if (value != TimeSpan.Zero && unit.IsWhole(value))
            {
                var count = unit.Count(value);
                return $"{count.ToString(CultureInfo.InvariantCulture)} {(count == 1 ? unit.Name[..^1] : unit.Name)}";
            }
        }

        return $"{value.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds";
    }
}
