using Infra.Core;

namespace Infra.Components;

/// <summary>
/// How a pattern adds a gradual rollout to its function: the aliases left to the rollout, the API's target, then the
/// rollout itself. Without provisioned concurrency the <c>live</c> alias's weights split traffic (any caller: API or
/// queue); with it, an API splits at its stage's canary between <c>live</c> and a <c>candidate</c> alias.
/// </summary>
internal static class RolloutPlan
{
    /// <param name="stageCanary">Whether the pattern has an API stage to split at (the batch pattern has none).</param>
    public static ArgsValidation Validate(ArgsValidation check, GradualRolloutArgs? rollout, InferenceFunctionArgs function, bool stageCanary)
    {
        if (rollout is null)
        {
            return check;
        }

        return GradualRolloutArgs.Validate(check, "Rollout.", rollout)
            .Check(stageCanary || function.ProvisionedConcurrency is null, "Rollout", "a rollout with Function.ProvisionedConcurrency",
                "no provisioned concurrency on a queue-driven function with a rollout: Lambda refuses provisioned concurrency on a weighted alias, " +
                "and a queue absorbs cold starts (drop ProvisionedConcurrency, or Rollout)");
    }

    private static bool SplitsAtStage(InferenceFunction function, GradualRolloutArgs? rollout) => rollout is not null && function.Concurrency is not null;

    /// <summary>The alias target of the pattern's API: <c>live</c>, plus a <c>candidate</c> alias in the stage's canary when the rollout splits there.</summary>
    public static LambdaAliasTarget ApiTarget(InferenceFunction function, GradualRolloutArgs? rollout)
    {
        var live = LambdaAliasTarget.Of(function.Alias, InferenceFunction.LiveAlias);
        if (!SplitsAtStage(function, rollout))
        {
            return live;
        }

        // Created at the first version like live; from then on the rollout points it (ignoreChanges).
        var candidate = new Aws.Lambda.Alias(function, "candidate-alias", new Aws.Lambda.AliasArgs
        {
            Name = StageCanaryTraffic.CandidateAlias,
            FunctionName = function.FunctionName,
            FunctionVersion = function.Function.Version,
            Description = "The version a gradual rollout is moving the API's stage canary to",
        }, new CustomResourceOptions { IgnoreChanges = ["functionVersion"] });
        return live with { CanaryAliasName = candidate.AliasName, FunctionArn = function.FunctionArn };
    }

    public static GradualRollout? Create(ComponentResource owner, InferenceFunction function, InferenceMonitoring monitoring, GradualRolloutArgs? rollout,
        RestApiEndpoint? api = null)
    {
        if (rollout is null)
        {
            return null;
        }

        IRolloutTraffic traffic = SplitsAtStage(function, rollout) && api is not null
            ? new StageCanaryTraffic(function.FunctionName, function.FunctionArn, api.RestApiId, api.StageName, api.StageArn)
            : new AliasWeightsTraffic(function.FunctionName, function.FunctionArn, InferenceFunction.LiveAlias);
        return new GradualRollout(owner, "rollout", function, monitoring, rollout, traffic);
    }
}
