using Infra.Components;

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
}
