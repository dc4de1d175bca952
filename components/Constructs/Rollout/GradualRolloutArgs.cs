using System.Globalization;

namespace Infra.Components;

/// <summary>
/// How a new function version reaches all traffic: in steps (percent of requests on the new version), each held for
/// <see cref="Bake"/> while the function's alarms are watched. An alarm moves all traffic back to the previous
/// version and fails the rollout. The new version alone is judged by the thresholds of the function's own monitoring
/// (<see cref="InferenceMonitoringArgs.ErrorRatePercent"/>, <see cref="InferenceMonitoringArgs.P95Duration"/>), so a
/// canary is held to what the component already calls healthy: a batch function's per-invocation duration, not an API's.
/// </summary>
public sealed record GradualRolloutArgs
{
    public static IReadOnlyList<int> DefaultSteps { get; } = [5, 25, 50, 100];

    /// <summary>Percent of traffic on the new version per step, strictly increasing, ending at 100 (e.g. 5, 25, 50, 100).</summary>
    public IReadOnlyList<int> StepsPercent { get; init; } = DefaultSteps;

    /// <summary>How long each step is held (and the alarms watched) before the next, in whole minutes; the last step's bake is the final check after promotion.</summary>
    public TimeSpan Bake { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Time between two alarm checks during a bake, in whole seconds (at most the bake): how fast an alarm rolls back.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Time between two reconciliations, in whole minutes: each compares the target version with the live alias and starts the
    /// rollout if SSM's best-effort change event was missed (at most this long after <c>pulumi up</c>).
    /// </summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Alarms the rollout also watches, by name, besides the function's own (e.g. a business KPI alarm).</summary>
    public IReadOnlyList<Infra.Core.Input<string>> AdditionalAlarmNames { get; init; } = [];

    public const int MaxSteps = 10;
    public const int MaxBakeMinutes = 24 * 60;

    /// <summary>What is wrong with a list of steps, or null when it is a valid rollout (stack config reads it too).</summary>
    public static string? StepsProblem(IReadOnlyList<int> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return steps.Count is < 1 or > MaxSteps ? $"1 to {MaxSteps} steps"
            : !steps.All(s => s is >= 1 and <= 100) ? "percentages from 1 to 100"
            : !steps.Zip(steps.Skip(1)).All(p => p.First < p.Second) ? "strictly increasing percentages (e.g. 5, 25, 50, 100)"
            : steps[^1] != 100 ? "a last step of 100: a rollout ends with all traffic on the new version"
            : null;
    }

    internal static ArgsValidation Validate(ArgsValidation check, string prefix, GradualRolloutArgs args)
    {
        var steps = args.StepsPercent;
        var problem = StepsProblem(steps);
        return check
            .Check(problem is null, $"{prefix}StepsPercent", string.Join(", ", steps.Select(s => s.ToString(CultureInfo.InvariantCulture))), problem ?? "")
            .Duration($"{prefix}Bake", args.Bake, TimeUnit.Minutes, 1, MaxBakeMinutes)
            .Check(TimeUnit.Seconds.IsWhole(args.CheckInterval) && args.CheckInterval >= TimeSpan.FromSeconds(10) && args.CheckInterval <= args.Bake,
                $"{prefix}CheckInterval", args.CheckInterval, $"a whole number of seconds from 10 seconds to the bake time ({TimeUnit.Describe(args.Bake)})")
            .Duration($"{prefix}ReconcileInterval", args.ReconcileInterval, TimeUnit.Minutes, 1, MaxBakeMinutes);
    }

    /// <summary>The bake seconds rounded up to whole check intervals: what each step really waits.</summary>
    internal int ChecksPerStep => (int)((BakeSeconds + CheckIntervalSeconds - 1) / CheckIntervalSeconds);

    internal long BakeSeconds => TimeUnit.Seconds.Count(Bake);

    /// <summary>The Step Functions wait between checks, which takes whole seconds.</summary>
    internal int CheckIntervalSeconds => (int)TimeUnit.Seconds.Count(CheckInterval);
}
