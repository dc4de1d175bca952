using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;
using Infra.Testing;

namespace Components.Tests;

/// <summary>
/// What Application Auto Scaling does with the scalable target and scheduled actions the program emits, by the
/// service's documented rule (<see cref="ScheduledScalingModel"/>): the capacity must be the profile the user set, every
/// hour of the week, not the weekday peak kept all week.
/// </summary>
public sealed class ScheduledScalingTests
{
    private static readonly CodeDirectory Code = new("fn", "/nonexistent");

    /// <summary>The scaling resources of one target as the program emits them.</summary>
    internal sealed record EmittedScaling(ScalingRange Registered, IReadOnlyList<ScheduledScalingAction> Actions, bool TargetTracking);

    private static StackTemplate SynthWith(ProvisionedConcurrencyScheduleArgs schedule)
    {
        var stack = new Stack("proj", "dev");
        new InferenceFunction(stack, "embed", new InferenceFunctionArgs { Code = Code, ProvisionedConcurrency = schedule });
        return StackTemplate.FromStack(stack);
    }

    /// <summary>Reads the target, its scheduled actions and any scaling policy from the program, matched by resource id.</summary>
    internal static EmittedScaling Emitted(StackTemplate template, string targetName)
    {
        var resources = (OrderedMap)template.At("resources")!;
        var target = template.Property(targetName, "resourceId");
        IEnumerable<OrderedMap> Of(string type) => resources.Select(r => (OrderedMap)r.Value!)
            .Where(r => (string?)ProgramValues.At(r, "type") == type && Equals(ProgramValues.At(r, "properties", "resourceId"), target));
        int? Number(object? value) => value is null ? null : (int)(decimal)value;

        var actions = resources
            .Where(r => (string?)ProgramValues.At(r.Value, "type") == "aws:appautoscaling/scheduledAction:ScheduledAction" && Equals(ProgramValues.At(r.Value, "properties", "resourceId"), target))
            .Select(r => new ScheduledScalingAction(r.Key, (string)ProgramValues.At(r.Value, "properties", "schedule")!, (string?)ProgramValues.At(r.Value, "properties", "timezone") ?? "UTC",
                Number(ProgramValues.At(r.Value, "properties", "scalableTargetAction", "minCapacity")), Number(ProgramValues.At(r.Value, "properties", "scalableTargetAction", "maxCapacity"))))
            .ToList();
        var registered = new ScalingRange(Number(template.Property(targetName, "minCapacity"))!.Value, Number(template.Property(targetName, "maxCapacity"))!.Value);
        var tracking = Of("aws:appautoscaling/policy:Policy").Any(p => (string?)ProgramValues.At(p, "properties", "policyType") == "TargetTrackingScaling");
        return new EmittedScaling(registered, actions, tracking);
    }

    /// <summary>With target tracking and no load, the policy wants nothing: capacity sits at the scheduled minimum.</summary>
    private static Func<int, int>? NoLoad(EmittedScaling scaling) => scaling.TargetTracking ? _ => 0 : null;

    public static TheoryData<string, ProvisionedConcurrencyScheduleArgs> Profiles() => new()
    {
        { "team prod default", new ProvisionedConcurrencyScheduleArgs { Weekdays = new DailyProfile { PeakMinimum = 4 } } },
        { "weekends and Berlin", new ProvisionedConcurrencyScheduleArgs
            {
                TimeZone = "Europe/Berlin", Floor = 2, Maximum = 12,
                Weekdays = new DailyProfile { PeakStartHour = 7, PeakEndHour = 19, PeakMinimum = 10, ScaleDownSteps = 4, StepInterval = TimeSpan.FromHours(1) },
                Weekends = new DailyProfile { PeakStartHour = 10, PeakEndHour = 16, PeakMinimum = 3, ScaleDownSteps = 1 },
            } },
        { "target tracking", new ProvisionedConcurrencyScheduleArgs { TargetUtilization = 0.7, Weekdays = new DailyProfile { PeakMinimum = 6, StepInterval = TimeSpan.FromHours(2) } } },
    };

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Every_hour_of_the_week_aws_provisions_what_the_profile_asks_for(string profile, ProvisionedConcurrencyScheduleArgs args)
    {
        var scaling = Emitted(SynthWith(args), "embed-concurrency-target");

        var simulated = ScheduledScalingModel.SteadyWeek(scaling.Registered, scaling.Actions, NoLoad(scaling));

        var expected = ProvisionedConcurrencySchedule.WeeklyMinimums(args);
        var wrong = Enumerable.Range(0, ScheduledScalingModel.HoursPerWeek).Where(h => simulated[h] != expected[h])
            .Select(h => $"{ScalingCron.DayOf(h)} {h % 24:00}:00 has {simulated[h]} instead of {expected[h]}").ToList();
        Assert.True(wrong.Count == 0, $"{profile}: {string.Join("; ", wrong.Take(6))}");
    }

    [Fact]
    public void With_target_tracking_demand_moves_capacity_only_within_the_scheduled_range()
    {
        var args = new ProvisionedConcurrencyScheduleArgs { TargetUtilization = 0.7, Maximum = 9, Weekdays = new DailyProfile { PeakMinimum = 4 } };
        var scaling = Emitted(SynthWith(args), "embed-concurrency-target");

        var busy = ScheduledScalingModel.SteadyWeek(scaling.Registered, scaling.Actions, _ => 50);
        var light = ScheduledScalingModel.SteadyWeek(scaling.Registered, scaling.Actions, _ => 2);

        Assert.All(busy, capacity => Assert.Equal(9, capacity));
        var profile = ProvisionedConcurrencySchedule.WeeklyMinimums(args);
        Assert.Equal(profile.Select(minimum => Math.Max(minimum, 2)), light);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void After_a_deployment_at_any_hour_capacity_is_the_floor_until_the_first_action_then_the_profile(string profile,
        ProvisionedConcurrencyScheduleArgs args)
    {
        var scaling = Emitted(SynthWith(args), "embed-concurrency-target");
        var expected = ProvisionedConcurrencySchedule.WeeklyMinimums(args);
        var crons = scaling.Actions.Select(a => ScalingCron.Parse(a.Schedule)).ToList();

        // A fresh alias has no provisioned concurrency; a re-registered target may find whatever the last schedule left.
        foreach (var before in new[] { 0, args.Maximum })
        {
            for (var deployedAt = 0; deployedAt < ScheduledScalingModel.HoursPerWeek; deployedAt++)
            {
                var hours = ScheduledScalingModel.Simulate(scaling.Registered, scaling.Actions, NoLoad(scaling), deployedAt, before, 2 * ScheduledScalingModel.HoursPerWeek);
                var firstAction = Enumerable.Range(0, hours.Count).First(i => crons.Any(c => c.FiresAt((deployedAt + i) % ScheduledScalingModel.HoursPerWeek)));
                for (var i = 0; i < hours.Count; i++)
                {
                    var want = i < firstAction ? args.Floor : expected[(deployedAt + i) % ScheduledScalingModel.HoursPerWeek];
                    Assert.True(hours[i] == want, $"{profile}: deployed at hour {deployedAt} over {before} instances, hour {i} after has {hours[i]}, expected {want}");
                }
            }
        }
    }

    [Theory]
    [InlineData("cron(0 8 ? * MON-FRI *)", 8, new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday })]
    [InlineData("cron(0 23 ? * SAT,SUN *)", 23, new[] { DayOfWeek.Saturday, DayOfWeek.Sunday })]
    [InlineData("cron(0 0 ? * SUN,TUE-THU *)", 0, new[] { DayOfWeek.Sunday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday })]
    public void Our_cron_subset_parses_into_an_hour_and_days(string expression, int hour, DayOfWeek[] days)
    {
        var cron = ScalingCron.Parse(expression);

        Assert.Equal(hour, cron.Hour);
        Assert.Equal(days.Order(), cron.Days.Order());
        // Monday 00:00 is hour 0 of the model's week.
        Assert.Equal(days.Contains(DayOfWeek.Monday), cron.FiresAt(hour));
        Assert.Equal(days.Contains(DayOfWeek.Sunday), cron.FiresAt(6 * 24 + hour));
    }

    [Theory]
    [InlineData("cron(30 8 ? * MON-FRI *)")]
    [InlineData("cron(0 8 * * ? *)")]
    [InlineData("cron(0 24 ? * MON *)")]
    [InlineData("cron(0 8 ? * 2-6 *)")]
    [InlineData("cron(0 8 ? * FRI-MON *)")]
    [InlineData("cron(0 8 ? * MON-FRI 2027)")]
    [InlineData("rate(1 hour)")]
    [InlineData("at(2027-01-01T00:00:00)")]
    public void Expressions_outside_the_subset_are_refused_not_guessed(string expression)
    {
        var error = Assert.Throws<ArgumentException>(() => ScalingCron.Parse(expression));

        Assert.Contains($"schedule '{expression}' is not understood by the scaling model: expected", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_model_applies_the_documented_rule_lowering_the_minimum_alone_leaves_capacity_where_it_is()
    {
        ScheduledScalingAction At(string name, int hour, int? min, int? max) => new(name, $"cron(0 {hour} ? * MON-FRI *)", "UTC", min, max);
        var registered = new ScalingRange(1, 20);

        var minimumOnly = ScheduledScalingModel.SteadyWeek(registered, [At("up", 8, 5, null), At("down", 18, 1, null)], null);
        var pinned = ScheduledScalingModel.SteadyWeek(registered, [At("up", 8, 5, 5), At("down", 18, 1, 1)], null);

        // Scaled out to 5 on Monday 08:00 and never in again.
        Assert.All(minimumOnly, capacity => Assert.Equal(5, capacity));
        Assert.Equal([1, 5, 5, 1], new[] { 7, 8, 17, 18 }.Select(h => pinned[h]));
        Assert.Throws<ArgumentException>(() => ScheduledScalingModel.SteadyWeek(registered, [At("crossed", 8, 30, null)], null));
        Assert.Throws<ArgumentException>(() => ScheduledScalingModel.SteadyWeek(registered, [At("a", 8, 2, 2), At("b", 8, 3, 3)], null));
        Assert.Throws<ArgumentException>(() => ScheduledScalingModel.SteadyWeek(registered, [At("a", 8, 2, 2), At("b", 9, 3, 3) with { TimeZone = "Europe/Berlin" }], null));
    }
}
