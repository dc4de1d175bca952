using Infra.Components;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests;

public class ProvisionedConcurrencyScheduleTests
{
    private static readonly CodeDirectory Code = new("fn", "/nonexistent");

    private static StackTemplate SynthWith(ProvisionedConcurrencyScheduleArgs schedule)
    {
        var stack = new Stack("proj", "dev");
        new InferenceFunction(stack, "embed", new InferenceFunctionArgs { Code = Code, ProvisionedConcurrency = schedule });
        return StackTemplate.FromStack(stack);
    }

    [Fact]
    public void Weekday_peaks_scale_down_gradually_to_the_floor()
    {
        var steps = ProvisionedConcurrencySchedule.Actions(new ProvisionedConcurrencyScheduleArgs
        {
            Floor = 1,
            Weekdays = new DailyProfile { PeakStartHour = 8, PeakEndHour = 18, PeakMinimum = 5, ScaleDownSteps = 3 },
        });

        Assert.Equal(
        [
            new("weekday-peak", "cron(0 8 ? * MON-FRI *)", 5, 5),
            new("weekday-down-1", "cron(0 18 ? * MON-FRI *)", 4, 4),
            new("weekday-down-2", "cron(0 19 ? * MON-FRI *)", 3, 3),
            new("weekday-down-3", "cron(0 20 ? * MON-FRI *)", 1, 1),
        ], steps);
    }

    [Fact]
    public void With_target_tracking_each_step_sets_its_value_as_the_minimum_and_leaves_the_maximum_to_the_policy()
    {
        var args = new ProvisionedConcurrencyScheduleArgs { Maximum = 12, TargetUtilization = 0.7, Weekdays = new DailyProfile { PeakMinimum = 5, ScaleDownSteps = 1 } };

        Assert.Equal(
        [
            new("weekday-peak", "cron(0 8 ? * MON-FRI *)", 5, 12),
            new("weekday-down-1", "cron(0 18 ? * MON-FRI *)", 1, 12),
        ], ProvisionedConcurrencySchedule.Actions(args));
        Assert.Equal(new ScalingRange(1, 12), ProvisionedConcurrencySchedule.Registered(args));
        Assert.Equal(new ScalingRange(1, 1), ProvisionedConcurrencySchedule.Registered(args with { TargetUtilization = null }));
    }

    [Fact]
    public void A_weekend_profile_adds_its_own_actions()
    {
        var steps = ProvisionedConcurrencySchedule.Actions(new ProvisionedConcurrencyScheduleArgs
        {
            Weekends = new DailyProfile { PeakStartHour = 10, PeakEndHour = 16, PeakMinimum = 2, ScaleDownSteps = 1 },
        });

        Assert.Contains(new ProvisionedConcurrencySchedule.ScheduledStep("weekend-peak", "cron(0 10 ? * SAT,SUN *)", 2, 2), steps);
        Assert.Contains(new ProvisionedConcurrencySchedule.ScheduledStep("weekend-down-1", "cron(0 16 ? * SAT,SUN *)", 1, 1), steps);
    }

    [Fact]
    public void The_schedule_drives_application_auto_scaling_on_the_live_alias_in_the_time_zone()
    {
        var template = SynthWith(new ProvisionedConcurrencyScheduleArgs { TimeZone = "Europe/Berlin", Maximum = 10 });

        Assert.Equal("function:${embed-function.name}:${embed-alias.name}", template.Property("embed-concurrency-target", "resourceId"));
        Assert.Equal("lambda:function:ProvisionedConcurrency", template.Property("embed-concurrency-target", "scalableDimension"));
        Assert.Equal("Europe/Berlin", template.Property("embed-concurrency-weekday-peak", "timezone"));
        // Without target tracking an action pins capacity: AWS scales in only to a lower maximum (see ScheduledScalingTests).
        Assert.Equal(5m, template.Property("embed-concurrency-weekday-peak", "scalableTargetAction", "minCapacity"));
        Assert.Equal(5m, template.Property("embed-concurrency-weekday-peak", "scalableTargetAction", "maxCapacity"));
        Assert.Equal(1m, template.Property("embed-concurrency-weekday-down-3", "scalableTargetAction", "maxCapacity"));
        Assert.Equal(1m, template.Property("embed-concurrency-target", "minCapacity"));
        Assert.Equal(1m, template.Property("embed-concurrency-target", "maxCapacity"));
    }

    [Fact]
    public void No_provisioned_concurrency_config_resource_is_emitted_so_refresh_and_import_cannot_break()
    {
        var template = SynthWith(new ProvisionedConcurrencyScheduleArgs());

        Assert.DoesNotContain(((Infra.Core.Synthesis.OrderedMap)template.At("resources")!),
            r => (string?)ProgramValues.At(r.Value, "type") == "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig");
    }

    [Fact]
    public void The_target_ignores_scheduled_capacity_changes_and_is_replaced_when_the_profile_changes()
    {
        var first = SynthWith(new ProvisionedConcurrencyScheduleArgs());
        var same = SynthWith(new ProvisionedConcurrencyScheduleArgs());
        var changed = SynthWith(new ProvisionedConcurrencyScheduleArgs { TargetUtilization = 0.7 });

        var options = first.At("resources", "embed-concurrency-target", "options");
        Assert.Equal(new List<object?> { "maxCapacity", "minCapacity" }, ProgramValues.At(options, "ignoreChanges"));
        Assert.Equal(new List<object?> { "tags" }, ProgramValues.At(options, "replaceOnChanges"));
        Assert.Equal(true, ProgramValues.At(options, "deleteBeforeReplace"));

        string Hash(StackTemplate p) => (string)p.Property("embed-concurrency-target", "tags", "scaling-profile")!;
        Assert.Equal(Hash(first), Hash(same));
        Assert.NotEqual(Hash(first), Hash(changed));
        // Deregistering a target deletes its actions: their names change with the profile so they are recreated too.
        Assert.EndsWith(Hash(changed), (string)changed.Property("embed-concurrency-weekday-peak", "name")!, StringComparison.Ordinal);
        Assert.EndsWith(Hash(changed), (string)changed.Property("embed-concurrency-utilization", "name")!, StringComparison.Ordinal);
    }

    [Fact]
    public void Target_tracking_on_utilization_is_optional()
    {
        var template = SynthWith(new ProvisionedConcurrencyScheduleArgs { TargetUtilization = 0.7 });

        Assert.Equal("TargetTrackingScaling", template.Property("embed-concurrency-utilization", "policyType"));
        Assert.Equal(0.7m, template.Property("embed-concurrency-utilization", "targetTrackingScalingPolicyConfiguration", "targetValue"));
        Assert.Equal("LambdaProvisionedConcurrencyUtilization",
            template.Property("embed-concurrency-utilization", "targetTrackingScalingPolicyConfiguration", "predefinedMetricSpecification", "predefinedMetricType"));
        Assert.False(SynthWith(new ProvisionedConcurrencyScheduleArgs()).Has("resources", "embed-concurrency-utilization"));
    }

    [Fact]
    public void A_schedule_that_reaches_zero_is_refused_with_the_reason()
    {
        var error = Assert.Throws<SynthesisException>(() => SynthWith(new ProvisionedConcurrencyScheduleArgs { Floor = 0 }));

        Assert.Contains("component 'embed/concurrency': Floor = 0 is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("aws-cdk #29992", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_hours_time_zones_and_utilization_are_refused()
    {
        var error = Assert.Throws<SynthesisException>(() => SynthWith(new ProvisionedConcurrencyScheduleArgs
        {
            TimeZone = "Mars/Olympus",
            TargetUtilization = 1.5,
            Weekdays = new DailyProfile { PeakStartHour = 20, PeakEndHour = 22, ScaleDownSteps = 4 },
        }));

        Assert.Contains("TimeZone = 'Mars/Olympus' is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("TargetUtilization = 1.5 is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("Weekdays.ScaleDownSteps = 4 is invalid: expected few enough steps to finish by 23:00 (the last would be at 25:00)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_provisioned_alias_never_carries_routing_weights_which_aws_refuses_with_provisioned_concurrency()
    {
        var template = SynthWith(new ProvisionedConcurrencyScheduleArgs());

        // "Alias with weights can not be used with Provisioned Concurrency": the live alias points at one version.
        Assert.False(template.Has("resources", "embed-alias", "properties", "routingConfig"));
        Assert.Equal("${embed-function.version}", template.Property("embed-alias", "functionVersion"));
    }
}
