using Infra.Core;

namespace Infra.Components;

/// <summary>How a pattern adds a gradual rollout to its function: the alias left to the rollout, then the rollout itself.</summary>
internal static class RolloutPlan
{
    public static ArgsValidation Validate(ArgsValidation check, GradualRolloutArgs? rollout, InferenceFunctionArgs function)
    {
        if (rollout is null)
        {
            return check;
        }

        return GradualRolloutArgs.Validate(check, "Rollout.", rollout)
            .Check(function.ProvisionedConcurrency is null, "Rollout", "a rollout with Function.ProvisionedConcurrency",
                "no provisioned concurrency on the function: Lambda refuses provisioned concurrency on an alias with routing weights");
    }

    public static InferenceFunctionArgs Prepare(InferenceFunctionArgs function, GradualRolloutArgs? rollout) =>
        rollout is null ? function : function with { AliasShiftedByRollout = true };

    public static GradualRollout? Create(ComponentResource owner, InferenceFunction function, InferenceMonitoring monitoring, GradualRolloutArgs? rollout) =>
        rollout is null ? null : new GradualRollout(owner, "rollout", function, monitoring, rollout,
            new AliasWeightsTraffic(function.FunctionName, function.FunctionArn, InferenceFunction.LiveAlias));
}
