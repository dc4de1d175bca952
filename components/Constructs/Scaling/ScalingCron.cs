using System.Globalization;
using System.Text.RegularExpressions;

namespace Infra.Components;

/// <summary>
/// The subset of Application Auto Scaling's cron expressions that our schedules emit: on the hour, every week, on named
/// days, <c>cron(0 H ? * DAYS *)</c> with DAYS a list of day names or ranges of them (<c>MON-FRI</c>, <c>SAT,SUN</c>).
/// Anything else is refused, so the model never guesses at an expression it does not understand.
/// </summary>
public sealed partial record ScalingCron(int Hour, IReadOnlySet<DayOfWeek> Days)
{
    // AWS numbers the days SUN (1) to SAT (7); a range runs forward in that order.
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    public static ScalingCron Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var match = Shape().Match(expression);
        if (!match.Success)
        {
            throw Unsupported(expression, "the form cron(0 H ? * DAYS *): minute 0, an hour 0-23, any day of the month, every month and year");
        }

        var hour = int.Parse(match.Groups["hour"].Value, CultureInfo.InvariantCulture);
        if (hour > 23)
        {
            throw Unsupported(expression, "an hour from 0 to 23");
        }

        var days = new HashSet<DayOfWeek>();
        foreach (var item in match.Groups["days"].Value.Split(','))
        {
            var bounds = item.Split('-');
            var first = Array.IndexOf(DayNames, bounds[0]);
            var last = Array.IndexOf(DayNames, bounds[^1]);
            if (bounds.Length > 2 || first < 0 || last < 0 || last < first)
            {
                throw Unsupported(expression, $"days as names ({string.Join(",", DayNames)}) or forward ranges of them such as MON-FRI, not '{item}'");
            }

            for (var day = first; day <= last; day++)
            {
                days.Add((DayOfWeek)day);
            }
        }

        return new ScalingCron(hour, days);
    }

    /// <summary>Whether the action runs at the start of this hour of the week (0 is Monday 00:00 in the schedule's time zone).</summary>
    public bool FiresAt(int hourOfWeek) => hourOfWeek % 24 == Hour && Days.Contains(DayOf(hourOfWeek));

    /// <summary>The day of an hour of a week that starts on Monday.</summary>
    public static DayOfWeek DayOf(int hourOfWeek) => (DayOfWeek)((hourOfWeek / 24 % 7 + 1) % 7);

    private static ArgumentException Unsupported(string expression, string expected) =>
        new($"schedule '{expression}' is not understood by the scaling model: expected {expected}", nameof(expression));

    [GeneratedRegex(@"^cron\(0 (?<hour>\d{1,2}) \? \* (?<days>[A-Z]{3}(?:[-,][A-Z]{3})*) \*\)$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
