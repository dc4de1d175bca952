using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Infra.Aws.AppAutoScaling;
using Infra.Core;
using ScalingPolicy = Infra.Aws.AppAutoScaling.Policy;

namespace Infra.Components;

/// <summary>
/// One day shape: warm instances from <see cref="PeakStartHour"/> to <see cref="PeakEndHour"/>,
/// then a gradual scale-down in <see cref="ScaleDownSteps"/> steps, <see cref="StepInterval"/> apart,
/// to the schedule's floor.
/// </summary>
public sealed record DailyProfile
{
    public int PeakStartHour { get; init; } = 8;

    public int PeakEndHour { get; init; } = 18;

    public int PeakMinimum { get; init; } = 5;

    public int ScaleDownSteps { get; init; } = 3;

    /// <summary>Time between two scale-down steps: whole hours, 1 to 6 (the schedule's cron has hour resolution).</summary>
    public TimeSpan StepInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The step interval in the schedule's hours (validated whole).</summary>
    internal int StepHours() => (int)TimeUnit.Hours.Count(StepInterval);
}

/// <summary>The alias whose provisioned concurrency a <see cref="ProvisionedConcurrencySchedule"/> drives, and the schedule.</summary>
public sealed record ProvisionedConcurrencyTargetArgs
{
    public required Input<string> FunctionName { get; init; }

    /// <summary>The alias (never <c>$LATEST</c>: provisioned concurrency needs a version or an alias).</summary>
    public required Input<string> AliasName { get; init; }

    public required ProvisionedConcurrencyScheduleArgs Schedule { get; init; }
}

public sealed record ProvisionedConcurrencyScheduleArgs
{
    /// <summary>IANA time zone the hours are in, e.g. <c>Europe/Berlin</c>.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Warm instances outside the peaks; at least 1 (see the class remarks for why never 0).</summary>
    public int Floor { get; init; } = 1;

    /// <summary>The most instances target tracking may provision, and the highest a peak may be.</summary>
    public int Maximum { get; init; } = 20;

    /// <summary>Monday to Friday.</summary>
    public DailyProfile Weekdays { get; init; } = new();

    /// <summary>Saturday and Sunday; null keeps the floor all weekend.</summary>
    public DailyProfile? Weekends { get; init; }

    /// <summary>Also track provisioned-concurrency utilization (0.1 to 0.9), scaling between the scheduled minimum and the maximum.</summary>
    public double? TargetUtilization { get; init; }
}

/// <summary>
/// Provisioned concurrency on a function alias, driven by Application Auto Scaling schedules.
/// </summary>
/// <remarks>
/// Known failures of other tools, and how this design avoids each:
/// <list type="bullet">
/// <item>No <c>aws:lambda:ProvisionedConcurrencyConfig</c> resource: Application Auto Scaling owns the
/// value, so the engine never reads or imports a config that a schedule changed or removed
/// (pulumi-aws #1886), and a redeploy after scaling finds nothing to reconcile.</item>
/// <item>The floor is at least 1: a schedule that scales to 0 deletes the config, and the next
/// deployment then fails with ProvisionedConcurrencyConfigNotFoundException (aws-cdk #29992).</item>
/// <item>Every scheduled action sets a range that capacity must move into: Application Auto Scaling only scales a
/// target whose capacity is outside the new [min, max], so an action that lowers only the minimum never scales in and
/// the weekday peak would be paid all week (see <see cref="Actions"/>).</item>
/// <item>The scalable target ignores changes to its capacities (schedules own them between
/// deployments), and is replaced, deleted first, when the scaling profile changes, so a switch of
/// policy re-registers it with fresh limits instead of keeping a stale value (aws-cdk #30503).</item>
/// </list>
/// </remarks>
public sealed class ProvisionedConcurrencySchedule : ComponentResource
{
    private const string Dimension = "lambda:function:ProvisionedConcurrency";

    public ProvisionedConcurrencySchedule(IScope scope, string name, ProvisionedConcurrencyTargetArgs target, ComponentResourceOptions? options = null)
        : base("ml:ProvisionedConcurrencySchedule", scope, name, options)
    {
        ArgumentNullException.ThrowIfNull(target);
        var args = target.Schedule;
        Validate(args);

        var resourceId = Output.Format($"function:{target.FunctionName}:{target.AliasName}");
        var profile = ProfileHash(args);
        var registered = Registered(args);
        Target = new Target(this, "target", new TargetArgs
        {
            ServiceNamespace = "lambda",
            ScalableDimension = Dimension,
            ResourceId = resourceId,
            MinCapacity = registered.Minimum,
            MaxCapacity = registered.Maximum,
            Tags = new InputMap<string> { ["scaling-profile"] = profile },
        }, new CustomResourceOptions
        {
            IgnoreChanges = ["minCapacity", "maxCapacity"],
            ReplaceOnChanges = ["tags"],
            DeleteBeforeReplace = true,
        });

        foreach (var action in Actions(args))
        {
            // Deregistering the target deletes its actions, so their names carry the profile hash:
            // a new profile replaces them together with the target.
            new ScheduledAction(this, action.Name, new ScheduledActionArgs
            {
                Name = $"{Stack.StackName}-{Path.Replace('/', '-')}-{action.Name}-{profile}",
                ServiceNamespace = "lambda",
                ScalableDimension = Dimension,
                ResourceId = resourceId,
                Schedule = action.Cron,
                Timezone = args.TimeZone,
                ScalableTargetAction = new ScheduledActionScalableTargetActionArgs { MinCapacity = action.Minimum, MaxCapacity = action.Maximum },
            }, new CustomResourceOptions { DependsOn = [Target] });
        }

        if (args.TargetUtilization is { } utilization)
        {
            new ScalingPolicy(this, "utilization", new PolicyArgs
            {
                Name = $"{Stack.StackName}-{Path.Replace('/', '-')}-utilization-{profile}",
                PolicyType = "TargetTrackingScaling",
                ServiceNamespace = "lambda",
                ScalableDimension = Dimension,
                ResourceId = resourceId,
                TargetTrackingScalingPolicyConfiguration = new PolicyTargetTrackingScalingPolicyConfigurationArgs
                {
                    TargetValue = utilization,
                    PredefinedMetricSpecification = new PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs
                    {
                        PredefinedMetricType = "LambdaProvisionedConcurrencyUtilization",
                    },
                },
            }, new CustomResourceOptions { DependsOn = [Target] });
        }
    }

    public Target Target { get; }

    /// <summary>One scheduled action: from its time on, capacity is kept from <paramref name="Minimum"/> to <paramref name="Maximum"/>.</summary>
    public sealed record ScheduledStep(string Name, string Cron, int Minimum, int Maximum);

    /// <summary>
    /// The scheduled steps for the args: a peak start, then the scale-down steps, per profile. Each sets the range
    /// capacity must be in, and AWS moves capacity only when it is outside that range: lowering the minimum alone
    /// never scales in. So without target tracking a step pins capacity (maximum = minimum = the step's value); with
    /// it, the range runs from the step's value to <see cref="ProvisionedConcurrencyScheduleArgs.Maximum"/>, and the
    /// policy scales in to the step's value when demand falls (at no load capacity is exactly the step's value).
    /// </summary>
    public static IReadOnlyList<ScheduledStep> Actions(ProvisionedConcurrencyScheduleArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return Steps(args.Floor, args.Maximum, args.Weekdays, args.Weekends, tracking: args.TargetUtilization is not null);
    }

    /// <summary>
    /// The scheduled steps of a weekday and an optional weekend profile over a floor and a maximum: what
    /// <see cref="Actions"/> emits, for any scalable target (a SageMaker endpoint's instances too).
    /// </summary>
    /// <param name="tracking">Whether a target-tracking policy scales within each step's range up to the maximum.</param>
    internal static IReadOnlyList<ScheduledStep> Steps(int floor, int maximum, DailyProfile weekdays, DailyProfile? weekends, bool tracking)
    {
        var steps = new List<ScheduledStep>();
        steps.AddRange(ProfileSteps("weekday", "MON-FRI", weekdays, floor, maximum, tracking));
        if (weekends is { } weekend)
        {
            steps.AddRange(ProfileSteps("weekend", "SAT,SUN", weekend, floor, maximum, tracking));
        }

        return steps;
    }

    /// <summary>
    /// The range the target is registered with. Registration moves capacity into it, and it holds until the first
    /// scheduled action: the floor (up to the maximum with target tracking), never a stale value left by an earlier
    /// registration. The schedules own the range after that (the target ignores changes to it).
    /// </summary>
    public static ScalingRange Registered(ProvisionedConcurrencyScheduleArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new ScalingRange(args.Floor, args.TargetUtilization is null ? args.Floor : args.Maximum);
    }

    /// <summary>
    /// The instances the profile asks for in each hour of a week, Monday 00:00 first (168 values): what the user
    /// configured. Each day ends at the floor, so a day starts there too. What AWS provisions is what
    /// <see cref="ScheduledScalingModel"/> makes of the emitted actions; the tests hold the two equal.
    /// </summary>
    public static IReadOnlyList<int> WeeklyMinimums(ProvisionedConcurrencyScheduleArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return WeeklyMinimums(args.Floor, args.Weekdays, args.Weekends);
    }

    /// <summary>The minimum each hour of a week asks for, from a floor and the profiles (see <see cref="WeeklyMinimums(ProvisionedConcurrencyScheduleArgs)"/>).</summary>
    internal static IReadOnlyList<int> WeeklyMinimums(int floor, DailyProfile weekdays, DailyProfile? weekends)
    {
        var week = new List<int>(7 * 24);
        for (var day = 0; day < 7; day++)
        {
            var profile = day < 5 ? weekdays : weekends;
            var steps = profile is null ? [] : DaySteps(profile, floor).ToList();
            var minimum = floor;
            for (var hour = 0; hour < 24; hour++)
            {
                foreach (var step in steps.Where(s => s.Hour == hour))
                {
                    minimum = step.Minimum;
                }

                week.Add(minimum);
            }
        }

        return week;
    }

    private static IEnumerable<ScheduledStep> ProfileSteps(string label, string days, DailyProfile profile, int floor, int maximum, bool tracking) =>
        DaySteps(profile, floor).Select(step => new ScheduledStep($"{label}-{step.Suffix}", Cron(step.Hour, days), step.Minimum,
            tracking ? maximum : step.Minimum));

    private static IEnumerable<(string Suffix, int Hour, int Minimum)> DaySteps(DailyProfile profile, int floor)
    {
        yield return ("peak", profile.PeakStartHour, profile.PeakMinimum);
        for (var step = 1; step <= profile.ScaleDownSteps; step++)
        {
            var remaining = profile.ScaleDownSteps - step;
            var minimum = floor + (int)Math.Ceiling((profile.PeakMinimum - floor) * remaining / (double)profile.ScaleDownSteps);
            yield return ($"down-{step}", profile.PeakEndHour + (step - 1) * profile.StepHours(), minimum);
        }
    }

    private static string Cron(int hour, string days) => $"cron(0 {hour.ToString(CultureInfo.InvariantCulture)} ? * {days} *)";

    private static string ProfileHash(ProvisionedConcurrencyScheduleArgs args)
    {
        var text = string.Join("|", Actions(args).Select(a => $"{a.Cron}={a.Minimum}..{a.Maximum}"))
            + $"|{args.Floor}|{args.Maximum}|{args.TimeZone}|{args.TargetUtilization?.ToString(CultureInfo.InvariantCulture)}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    private void Validate(ProvisionedConcurrencyScheduleArgs args)
    {
        var check = new ArgsValidation(Path)
            .Check(args.Floor >= 1, nameof(args.Floor), args.Floor,
                "at least 1: scaling provisioned concurrency to 0 on a schedule makes the next deployment fail (aws-cdk #29992); drop the schedule to pay nothing off-peak")
            .Check(args.Maximum >= args.Floor, nameof(args.Maximum), args.Maximum, $"at least the floor ({args.Floor})")
            .Check(TimeZoneInfo.TryFindSystemTimeZoneById(args.TimeZone, out _), nameof(args.TimeZone), args.TimeZone, "an IANA time zone such as UTC or Europe/Berlin")
            .Check(args.TargetUtilization is null or >= 0.1 and <= 0.9, nameof(args.TargetUtilization), args.TargetUtilization, "a fraction from 0.1 to 0.9");
        CheckProfile(check, nameof(args.Weekdays), args.Weekdays, args.Floor, args.Maximum);
        if (args.Weekends is { } weekends)
        {
            CheckProfile(check, nameof(args.Weekends), weekends, args.Floor, args.Maximum);
        }

        check.ThrowIfInvalid();
    }

    /// <summary>A profile's hours and steps, and its peak from the floor to the maximum; <paramref name="key"/> prefixes the error keys.</summary>
    internal static void CheckProfile(ArgsValidation check, string key, DailyProfile profile, int floor, int maximum)
    {
        var lastStep = profile.PeakEndHour + (profile.ScaleDownSteps - 1) * profile.StepHours();
        check.Range($"{key}.{nameof(profile.PeakStartHour)}", profile.PeakStartHour, 0, 23)
            .Check(profile.PeakEndHour > profile.PeakStartHour && profile.PeakEndHour <= 23, $"{key}.{nameof(profile.PeakEndHour)}", profile.PeakEndHour, $"an hour after PeakStartHour ({profile.PeakStartHour}) and at most 23")
            .Check(profile.PeakMinimum >= floor && profile.PeakMinimum <= maximum, $"{key}.{nameof(profile.PeakMinimum)}", profile.PeakMinimum, $"from the floor ({floor}) to the maximum ({maximum})")
            .Range($"{key}.{nameof(profile.ScaleDownSteps)}", profile.ScaleDownSteps, 1, 6)
            .Duration($"{key}.{nameof(profile.StepInterval)}", profile.StepInterval, TimeUnit.Hours, 1, 6)
            .Check(lastStep <= 23, $"{key}.{nameof(profile.ScaleDownSteps)}", profile.ScaleDownSteps, $"few enough steps to finish by 23:00 (the last would be at {lastStep}:00)");
    }
}
