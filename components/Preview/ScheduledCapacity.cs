using System.Globalization;
using System.Text;
using Infra.Components;
using Infra.Policy;
using Infra.Core;
using Infra.Core.Synthesis;

namespace Infra.Preview;

/// <summary>
/// The provisioned concurrency a function's scalable target will really have, hour by hour over a week: the emitted
/// target, scheduled actions and target-tracking policy (matched by resource id) run through
/// <see cref="ScheduledScalingModel"/>, so the estimate prices what AWS does with the program, not what the args meant.
/// </summary>
/// <param name="TimeZone">The schedule's time zone, which the hours are in.</param>
/// <param name="Weekly">Instances in each hour of a week, Monday 00:00 first (168 values).</param>
/// <param name="TargetUtilization">The target-tracking policy's utilization target, or null without one.</param>
public sealed record ScheduledCapacity(string TimeZone, IReadOnlyList<int> Weekly, double? TargetUtilization)
{
    private static readonly string[] Days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    public int InstanceHoursPerWeek => Weekly.Sum();

    /// <summary>
    /// The capacity of the function's provisioned-concurrency target, or null when it has none. With target tracking
    /// the policy's demand is the function's steady concurrency (<paramref name="concurrency"/>) over its target.
    /// </summary>
    public static ScheduledCapacity? Of(ProgramGraph graph, InferenceFunction function, double concurrency)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(function);
        if (function.Concurrency is not { } schedule)
        {
            return null;
        }

        var scaling = ScalingSetup.Of(graph, schedule.Target);
        return Of(scaling, scaling.TargetValue is { } value ? _ => (int)Math.Ceiling(concurrency / value) : null);
    }

    /// <summary>
    /// The capacity of any scalable target (a SageMaker variant's instances, say) through the same model; with a
    /// target-tracking policy, <paramref name="demand"/> gives the capacity the policy wants in an hour of the week.
    /// </summary>
    public static ScheduledCapacity Of(ScalingSetup scaling, Func<int, int>? demand)
    {
        ArgumentNullException.ThrowIfNull(scaling);
        var weekly = ScheduledScalingModel.SteadyWeek(scaling.Registered, scaling.Actions, scaling.TargetTracking is null ? null : demand);
        return new ScheduledCapacity(scaling.Actions.FirstOrDefault()?.TimeZone ?? "UTC", weekly, scaling.TargetValue);
    }

    /// <summary>The week in runs of equal days and, within them, equal hours: <c>Mon-Fri 00:00-08:00 1, 08:00-18:00 4, ...</c>.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        var day = 0;
        while (day < 7)
        {
            var hours = Weekly.Skip(day * 24).Take(24).ToList();
            var last = day;
            while (last + 1 < 7 && Weekly.Skip((last + 1) * 24).Take(24).SequenceEqual(hours))
            {
                last++;
            }

            text.Append(text.Length > 0 ? "; " : "").Append(last == day ? Days[day] : $"{Days[day]}-{Days[last]}").Append(' ');
            text.Append(string.Join(", ", Runs(hours).Select(run => run is (0, 24, _)
                ? $"all day {run.Instances}"
                : $"{run.Start:00}:00-{run.End:00}:00 {run.Instances}")));
            day = last + 1;
        }

        return text.ToString();
    }

    private static IEnumerable<(int Start, int End, int Instances)> Runs(IReadOnlyList<int> hours)
    {
        var start = 0;
        for (var hour = 1; hour <= hours.Count; hour++)
        {
            if (hour == hours.Count || hours[hour] != hours[start])
            {
                yield return (start, hour, hours[start]);
                start = hour;
            }
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{TimeZone}: {Describe()}");
}

/// <summary>
/// A scalable target as the program emits it: its registered range, the scheduled actions and the target-tracking
/// policy's configuration that name its resource id.
/// </summary>
public sealed record ScalingSetup(ScalingRange Registered, IReadOnlyList<ScheduledScalingAction> Actions, MapValue? TargetTracking)
{
    /// <summary>The target-tracking policy's target value (utilization, invocations a minute, backlog), or null without one.</summary>
    public double? TargetValue => TargetTracking is null ? null : (double?)TargetTracking.At("targetValue").Number();

    /// <summary>The highest capacity any of the target's ranges allows.</summary>
    public int HighestMaximum => Actions.Select(a => a.MaxCapacity ?? 0).Append(Registered.Maximum).Max();

    public static ScalingSetup Of(ProgramGraph graph, Resource target)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(target);
        var properties = graph.PropertiesOf(target);
        var resourceId = properties.At("resourceId").Text();
        var scaling = graph.Stack.Resources
            .Select(r => (r.TypeToken, Name: r.LogicalName, Properties: graph.PropertiesOf(r)))
            .Where(r => r.Properties.At("resourceId").Text() == resourceId)
            .ToList();
        var actions = scaling.Where(r => r.TypeToken == Aws.AppAutoScaling.ScheduledAction.PulumiType)
            .Select(r => new ScheduledScalingAction(r.Name, r.Properties.At("schedule").Text() ?? "", r.Properties.At("timezone").Text() ?? "UTC",
                Whole(r.Properties.At("scalableTargetAction.minCapacity").Number()), Whole(r.Properties.At("scalableTargetAction.maxCapacity").Number())))
            .ToList();
        var tracking = scaling
            .Where(r => r.TypeToken == Aws.AppAutoScaling.Policy.PulumiType && r.Properties.At("policyType").Text() == "TargetTrackingScaling")
            .Select(r => r.Properties.At("targetTrackingScalingPolicyConfiguration") as MapValue)
            .FirstOrDefault(c => c is not null);
        var registered = new ScalingRange(Whole(properties.At("minCapacity").Number()) ?? 0, Whole(properties.At("maxCapacity").Number()) ?? 0);
        return new ScalingSetup(registered, actions, tracking);
    }

    private static int? Whole(decimal? value) => value is null ? null : (int)value.Value;
}
