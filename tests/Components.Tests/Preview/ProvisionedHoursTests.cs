using Infra.Components;
using Infra.Core;
using Infra.Preview;
using Infra.Core.Synthesis;
using Infra.Testing;

namespace Components.Tests.Preview;

public sealed class ProvisionedHoursTests
{
    [Fact]
    public void A_weekday_peak_with_three_steps_down_gives_the_hourly_minimums_the_schedule_sets()
    {
        var week = ProvisionedConcurrencySchedule.WeeklyMinimums(new ProvisionedConcurrencyScheduleArgs { Weekdays = new DailyProfile { PeakMinimum = 4 } });

        Assert.Equal(168, week.Count);
        // Monday: floor 1 until 08:00, 4 until 18:00, then 3, 2 and back to 1 from 20:00.
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 2, 1, 1, 1, 1], week.Take(24));
        // Saturday and Sunday keep the floor.
        Assert.All(week.Skip(5 * 24), instances => Assert.Equal(1, instances));
        Assert.Equal(5 * (8 + 40 + 3 + 2 + 4) + 48, week.Sum());
    }

    private static (CostEstimate Estimate, StackTemplate Template) EstimateWith(ProvisionedConcurrencyScheduleArgs schedule, TrafficProfile traffic)
    {
        var stack = new Stack("proj", "prod");
        new RestInferenceApi(stack, "embed", new RestInferenceApiArgs
        {
            ModelName = "ppocr-cls",
            ModelVersion = "2.0.0",
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("fn", "/nonexistent"), Memory = DataSize.FromMebibytes(2048), ProvisionedConcurrency = schedule },
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 10, BurstLimit = 20 }], Clients = [new ApiClient("acme", "standard")] },
        });
        return (new CostEstimator(new ProgramGraph(stack), traffic, Measurements.None).Estimate(), StackTemplate.FromStack(stack));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0.7)]
    public void The_estimate_prices_the_instance_hours_application_auto_scaling_keeps_with_the_emitted_schedule(double? targetUtilization)
    {
        var schedule = new ProvisionedConcurrencyScheduleArgs { Weekdays = new DailyProfile { PeakMinimum = 4 }, TargetUtilization = targetUtilization };
        var traffic = new TrafficProfile { RequestsPerDay = 10_000, DurationMs = 150 };
        var (estimate, template) = EstimateWith(schedule, traffic);

        // The same model, fed from the program's own resources; with target tracking at this light load
        // (0.017 busy instances) the policy wants one instance, which the floor already gives.
        var emitted = ScheduledScalingTests.Emitted(template, "embed-function-concurrency-target");
        var weekly = ScheduledScalingModel.SteadyWeek(emitted.Registered, emitted.Actions, emitted.TargetTracking ? _ => 1 : null);
        var instanceHours = weekly.Sum() * PriceTable.HoursPerMonth / 168;
        var line = Assert.Single(estimate.Lines, l => l.Component == "embed/function" && l.Item.StartsWith("provisioned concurrency (", StringComparison.Ordinal));

        Assert.Equal(instanceHours * 3600 * 2, line.Quantity, 6);
        Assert.Equal((double)PriceTable.ProvisionedPerGbSecondX86 * instanceHours * 3600 * 2, (double)line.Monthly, 6);
        // The profile's 333 instance-hours a week, not the weekday peak of 4 all week (672).
        Assert.Equal(333, weekly.Sum());
        Assert.Equal(333, estimate.Functions.Single(f => f.Component == "embed/function").Provisioned!.InstanceHoursPerWeek);
    }

    [Fact]
    public void The_capacity_is_described_in_runs_of_equal_days_and_hours()
    {
        var (estimate, _) = EstimateWith(new ProvisionedConcurrencyScheduleArgs
        {
            TimeZone = "Europe/Berlin",
            Weekdays = new DailyProfile { PeakMinimum = 4 },
            Weekends = new DailyProfile { PeakStartHour = 10, PeakEndHour = 16, PeakMinimum = 2, ScaleDownSteps = 1 },
        }, new TrafficProfile());

        var provisioned = estimate.Functions.Single().Provisioned!;

        Assert.Equal("Europe/Berlin", provisioned.TimeZone);
        Assert.Equal("Mon-Fri 00:00-08:00 1, 08:00-18:00 4, 18:00-19:00 3, 19:00-20:00 2, 20:00-24:00 1; Sat-Sun 00:00-10:00 1, 10:00-16:00 2, 16:00-24:00 1",
            provisioned.Describe());
    }
}
