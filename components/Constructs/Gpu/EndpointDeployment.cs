using System.Globalization;
using Infra.Aws.SageMaker;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// A <see cref="GradualRolloutArgs"/> as SageMaker's deployment guardrails: a blue/green update whose traffic routing is
/// all at once, a canary, or linear steps (the only shapes SageMaker has), each step waiting <c>Bake</c>, the old fleet
/// kept for one more bake after all traffic moved, and an automatic rollback when any watched alarm fires.
/// </summary>
internal static class EndpointDeployment
{
    /// <summary>SageMaker's WaitIntervalInSeconds and TerminationWaitInSeconds: 0 to 3,600.</summary>
    public const int MaxWaitSeconds = 3600;

    public static ArgsValidation Validate(ArgsValidation check, GradualRolloutArgs? rollout)
    {
        if (rollout is null)
        {
            return check;
        }

        var steps = rollout.StepsPercent;
        var problem = GradualRolloutArgs.StepsProblem(steps) ?? ShapeProblem(steps);
        return check
            .Check(problem is null, "Rollout.StepsPercent", string.Join(", ", steps.Select(s => s.ToString(CultureInfo.InvariantCulture))), problem ?? "")
            .Duration("Rollout.Bake", rollout.Bake, TimeUnit.Seconds, 60, MaxWaitSeconds)
            .Check(rollout.Bake.Ticks % TimeSpan.TicksPerMinute == 0, "Rollout.Bake", rollout.Bake, "whole minutes (the rollout vocabulary's unit)");
    }

    /// <summary>
    /// SageMaker's traffic routing: a canary is at most 50 % of the fleet, a linear step 10 to 50 % of it
    /// (TrafficRoutingConfig in the SageMaker API Reference).
    /// </summary>
    private static string? ShapeProblem(IReadOnlyList<int> steps) => steps switch
    {
        [100] => null,
        [var canary, 100] when canary is >= 1 and <= 50 => null,
        _ when IsLinear(steps) && steps[0] is >= 10 and <= 50 => null,
        _ => "a shape SageMaker can route: [100] (all at once), [c, 100] with a canary c of 1 to 50, or equal linear steps [s, 2s, ..., 100] with s from 10 to 50",
    };

    private static bool IsLinear(IReadOnlyList<int> steps) => steps.Count >= 2 && steps.Select((s, i) => s == Math.Min(100, steps[0] * (i + 1))).All(ok => ok)
        && steps[^2] < 100;

    public static EndpointDeploymentConfigArgs Config(GradualRolloutArgs rollout, IReadOnlyList<Input<string>> alarmNames)
    {
        var steps = rollout.StepsPercent;
        var wait = (int)TimeUnit.Seconds.Count(rollout.Bake);
        var routing = new EndpointDeploymentConfigBlueGreenUpdatePolicyTrafficRoutingConfigurationArgs
        {
            Type = steps switch { [100] => "ALL_AT_ONCE", [_, 100] => "CANARY", _ => "LINEAR" },
            WaitIntervalInSeconds = wait,
        };
        switch (steps)
        {
            case [100]:
                break;
            case [var canary, 100]:
                routing.CanarySize = new EndpointDeploymentConfigBlueGreenUpdatePolicyTrafficRoutingConfigurationCanarySizeArgs { Type = "CAPACITY_PERCENT", Value = canary };
                break;
            default:
                routing.LinearStepSize = new EndpointDeploymentConfigBlueGreenUpdatePolicyTrafficRoutingConfigurationLinearStepSizeArgs { Type = "CAPACITY_PERCENT", Value = steps[0] };
                break;
        }

        return new EndpointDeploymentConfigArgs
        {
            BlueGreenUpdatePolicy = new EndpointDeploymentConfigBlueGreenUpdatePolicyArgs
            {
                TrafficRoutingConfiguration = routing,
                // The rollout vocabulary's last bake: the old fleet stays until all traffic has run on the new one this long.
                TerminationWaitInSeconds = wait,
            },
            AutoRollbackConfiguration = new EndpointDeploymentConfigAutoRollbackConfigurationArgs
            {
                Alarms = alarmNames.Concat(rollout.AdditionalAlarmNames)
                    .Select(name => new EndpointDeploymentConfigAutoRollbackConfigurationAlarmArgs { AlarmName = name }).ToArray(),
            },
        };
    }
}
