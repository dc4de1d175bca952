namespace Infra.Components;

/// <summary>A scalable target's capacity limits.</summary>
public sealed record ScalingRange(int Minimum, int Maximum);

/// <summary>One scheduled action as it is emitted: its schedule, time zone and the limits it sets (either may be absent).</summary>
public sealed record ScheduledScalingAction(string Name, string Schedule, string TimeZone, int? MinCapacity, int? MaxCapacity);

/// <summary>
/// Application Auto Scaling's documented rule for scheduled actions, hour by hour over a week in the schedule's time
/// zone: at an action's time the target's MinCapacity and MaxCapacity take the action's values; capacity below the new
/// minimum scales out to it, capacity above the new maximum scales in to it, and capacity inside the range is left
/// alone ("How scheduled scaling for Application Auto Scaling works"). Registering a target moves capacity into its
/// range the same way (RegisterScalableTarget). A target-tracking policy is modelled as capacity following demand
/// within the current range, so with no demand it sits at the minimum.
/// </summary>
/// <remarks>The week is in wall-clock hours of the time zone, which is how AWS runs a cron in a zone across DST.</remarks>
public static class ScheduledScalingModel
{
    public const int HoursPerWeek = 7 * 24;

    /// <summary>
    /// Capacity in each of <paramref name="hours"/> hours from a registration at <paramref name="registeredAtHour"/>
    /// (0 is Monday 00:00) of a resource whose capacity was <paramref name="capacityBefore"/>.
    /// </summary>
    /// <param name="demand">With target tracking: the capacity the policy wants in an hour of the week; null without a policy.</param>
    public static IReadOnlyList<int> Simulate(ScalingRange registered, IReadOnlyList<ScheduledScalingAction> actions, Func<int, int>? demand,
        int registeredAtHour, int capacityBefore, int hours)
    {
        ArgumentNullException.ThrowIfNull(registered);
        ArgumentNullException.ThrowIfNull(actions);
        CheckRange(registered, "the scalable target");
        var schedules = Schedules(actions);

        var (minimum, maximum) = (registered.Minimum, registered.Maximum);
        var capacity = Math.Clamp(capacityBefore, minimum, maximum);
        var result = new List<int>(hours);
        for (var hour = registeredAtHour; hour < registeredAtHour + hours; hour++)
        {
            var hourOfWeek = hour % HoursPerWeek;
            foreach (var (action, cron) in schedules.Where(s => s.Cron.FiresAt(hourOfWeek)))
            {
                (minimum, maximum) = (action.MinCapacity ?? minimum, action.MaxCapacity ?? maximum);
                CheckRange(new ScalingRange(minimum, maximum), $"scheduled action '{action.Name}'");
                capacity = Math.Clamp(capacity, minimum, maximum);
            }

            if (demand is not null)
            {
                capacity = Math.Clamp(demand(hourOfWeek), minimum, maximum);
            }

            result.Add(capacity);
        }

        return result;
    }

    /// <summary>
    /// The capacity in each hour of a week once the schedule has run a full week (Monday 00:00 first, 168 values):
    /// what every later week repeats, whatever the capacity at registration.
    /// </summary>
    public static IReadOnlyList<int> SteadyWeek(ScalingRange registered, IReadOnlyList<ScheduledScalingAction> actions, Func<int, int>? demand) =>
        [.. Simulate(registered, actions, demand, 0, 0, 2 * HoursPerWeek).Skip(HoursPerWeek)];

    private static List<(ScheduledScalingAction Action, ScalingCron Cron)> Schedules(IReadOnlyList<ScheduledScalingAction> actions)
    {
        var zones = actions.Select(a => a.TimeZone).Distinct(StringComparer.Ordinal).ToList();
        if (zones.Count > 1)
        {
            throw new ArgumentException($"the scaling model takes actions in one time zone, not {string.Join(", ", zones)}", nameof(actions));
        }

        var schedules = actions.Select(a => (a, ScalingCron.Parse(a.Schedule))).ToList();
        for (var hour = 0; hour < HoursPerWeek; hour++)
        {
            var due = schedules.Where(s => s.Item2.FiresAt(hour)).Select(s => s.a.Name).ToList();
            if (due.Count > 1)
            {
                // AWS gives no order among actions due at the same time: the outcome would be a guess.
                throw new ArgumentException($"scheduled actions {string.Join(" and ", due)} both run at hour {hour} of the week; their order is undefined", nameof(actions));
            }
        }

        return schedules;
    }

    private static void CheckRange(ScalingRange range, string what)
    {
        if (range.Minimum < 0 || range.Maximum < range.Minimum)
        {
            // The scheduled-scaling guide asks for both limits where one alone would cross the other; no capacity fits such a range.
            throw new ArgumentException($"{what} sets minimum {range.Minimum} and maximum {range.Maximum}: expected 0 <= minimum <= maximum");
        }
    }
}
