using System.Globalization;
using Infra.Aws.Iam;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// Traffic split at the API Gateway stage, for a function with provisioned concurrency on <c>live</c> (which Lambda
/// refuses on a weighted alias). The integration invokes the alias named by the stage variable <c>lambdaAlias</c>:
/// <c>live</c> on the stage, <c>candidate</c> in the stage's canary. A rollout points <c>candidate</c> at the new version,
/// gives it as much provisioned concurrency as <c>live</c> has and waits until it is READY, then moves the canary's
/// <c>percentTraffic</c> step by step. After the last bake, with all traffic on the warm candidate, it points <c>live</c>
/// at the new version, waits for <c>live</c>'s provisioned concurrency to be READY again, sends the traffic back to
/// <c>live</c> and drops the candidate's provisioned concurrency. Neither alias ever has routing weights.
/// </summary>
internal sealed class StageCanaryTraffic(Input<string> functionName, Input<string> functionArn, Input<string> restApiId, string stageName, Input<string> stageArn)
    : IRolloutTraffic
{
    public const string CandidateAlias = "candidate";

    /// <summary>How many 30-second waits for provisioned concurrency before giving up (20 minutes).</summary>
    private const int ReadyPolls = 40;

    public string CanaryAlias => CandidateAlias;

    public bool SplitsWithinAlias => false;

    public bool HasPreparation => true;

    public bool HasFinish => true;

    public IEnumerable<KeyValuePair<string, Dictionary<string, object>>> ReadStable(string entry, string next)
    {
        yield return new(entry, RolloutDefinition.Task("lambda:getAlias", Alias(InferenceFunction.LiveAlias), next,
            new Dictionary<string, object> { ["stable"] = "{% $states.result.FunctionVersion %}" }));
    }

    public IEnumerable<KeyValuePair<string, Dictionary<string, object>>> Prepare(string entry, string next)
    {
        yield return new(entry, RolloutDefinition.Shifting(PointAlias(CandidateAlias, "{% $target %}", "PrepareReadWarmth")));
        yield return new("PrepareReadWarmth", RolloutDefinition.Shifting(RolloutDefinition.Task("lambda:getProvisionedConcurrencyConfig",
            Qualified(InferenceFunction.LiveAlias), "PrepareWarmCandidate",
            new Dictionary<string, object> { ["warm"] = "{% $states.result.RequestedProvisionedConcurrentExecutions %}", ["polls"] = 0 })));
        yield return new("PrepareWarmCandidate", RolloutDefinition.Shifting(RolloutDefinition.Task("lambda:putProvisionedConcurrencyConfig",
            new Dictionary<string, object>
            {
                ["FunctionName"] = functionName,
                ["Qualifier"] = CandidateAlias,
                ["ProvisionedConcurrentExecutions"] = "{% $warm %}",
            }, "PrepareWait")));
        foreach (var state in WaitUntilReady("Prepare", CandidateAlias, next, RolloutDefinition.RollBack))
        {
            yield return state;
        }
    }

    public IEnumerable<KeyValuePair<string, Dictionary<string, object>>> Shift(string entry, int percent, string next)
    {
        yield return new(entry, RolloutDefinition.Shifting(CanaryPercent(percent, next)));
    }

    public IEnumerable<KeyValuePair<string, Dictionary<string, object>>> Finish(string entry, string next)
    {
        var promote = RolloutDefinition.Shifting(PointAlias(InferenceFunction.LiveAlias, "{% $target %}", "FinishWait"));
        promote["Assign"] = new Dictionary<string, object> { ["polls"] = 0 };
        yield return new(entry, promote);
        // All traffic is on the warm candidate meanwhile, so waiting for live costs nothing; after the bound it goes on anyway.
        foreach (var state in WaitUntilReady("Finish", InferenceFunction.LiveAlias, "FinishBackToLive", "FinishBackToLive"))
        {
            yield return state;
        }

        yield return new("FinishBackToLive", CanaryPercent(0, "FinishCoolCandidate"));
        yield return new("FinishCoolCandidate", DropCandidateWarmth(next));
    }

    public IEnumerable<KeyValuePair<string, Dictionary<string, object>>> Restore(string entry, string next)
    {
        yield return new(entry, CanaryPercent(0, "RollBackLive"));
        yield return new("RollBackLive", PointAlias(InferenceFunction.LiveAlias, "{% $stable %}", "RollBackCoolCandidate"));
        yield return new("RollBackCoolCandidate", DropCandidateWarmth(next));
    }

    public IEnumerable<PolicyStatement> Permissions()
    {
        var live = Output.Format($"{functionArn}:{InferenceFunction.LiveAlias}");
        var candidate = Output.Format($"{functionArn}:{CandidateAlias}");
        return
        [
            PolicyDocuments.Allow("PointAliases", ["lambda:GetAlias", "lambda:UpdateAlias"], [functionArn, live, candidate]),
            PolicyDocuments.Allow("ReadLiveWarmth", ["lambda:GetProvisionedConcurrencyConfig"], [live, candidate]),
            PolicyDocuments.Allow("WarmCandidate", ["lambda:PutProvisionedConcurrencyConfig", "lambda:DeleteProvisionedConcurrencyConfig"], candidate),
            PolicyDocuments.Allow("MoveStageCanary", ["apigateway:PATCH"], stageArn),
        ];
    }

    private Dictionary<string, object> Alias(string alias) => new() { ["FunctionName"] = functionName, ["Name"] = alias };

    private Dictionary<string, object> Qualified(string alias) => new() { ["FunctionName"] = functionName, ["Qualifier"] = alias };

    private Dictionary<string, object> PointAlias(string alias, string version, string next) =>
        RolloutDefinition.Task("lambda:updateAlias", new Dictionary<string, object>(Alias(alias)) { ["FunctionVersion"] = version }, next);

    private Dictionary<string, object> CanaryPercent(int percent, string next) =>
        RolloutDefinition.Task("apigateway:updateStage", new Dictionary<string, object>
        {
            ["RestApiId"] = restApiId,
            ["StageName"] = stageName,
            ["PatchOperations"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["Op"] = "replace",
                    ["Path"] = "/canarySettings/percentTraffic",
                    ["Value"] = percent.ToString("0.0", CultureInfo.InvariantCulture),
                },
            },
        }, next);

    /// <summary>The candidate's provisioned concurrency is only needed during a rollout; a missing one is fine.</summary>
    private Dictionary<string, object> DropCandidateWarmth(string next)
    {
        var task = RolloutDefinition.Task("lambda:deleteProvisionedConcurrencyConfig", Qualified(CandidateAlias), next);
        task["Catch"] = new object[] { new Dictionary<string, object> { ["ErrorEquals"] = new[] { "Lambda.ResourceNotFoundException" }, ["Next"] = next } };
        return task;
    }

    /// <summary>Polls the alias's provisioned concurrency every 30 s until READY (then <paramref name="ready"/>), FAILED or the bound (then <paramref name="otherwise"/>).</summary>
    private IEnumerable<KeyValuePair<string, Dictionary<string, object>>> WaitUntilReady(string prefix, string alias, string ready, string otherwise)
    {
        yield return new($"{prefix}Wait", new Dictionary<string, object> { ["Type"] = "Wait", ["Seconds"] = 30, ["Next"] = $"{prefix}Poll" });
        yield return new($"{prefix}Poll", RolloutDefinition.Task("lambda:getProvisionedConcurrencyConfig", Qualified(alias), $"{prefix}Ready",
            new Dictionary<string, object> { ["warmth"] = "{% $states.result.Status %}", ["polls"] = "{% $polls + 1 %}" }));
        var failed = otherwise == RolloutDefinition.RollBack
            ? new Dictionary<string, object>
            {
                ["Condition"] = $"{{% $warmth = 'FAILED' or $polls >= {ReadyPolls} %}}",
                ["Assign"] = new Dictionary<string, object> { ["firing"] = $"{{% ['provisioned concurrency of {alias}: ' & $warmth] %}}" },
                ["Next"] = otherwise,
            }
            : RolloutDefinition.Condition($"{{% $warmth = 'FAILED' or $polls >= {ReadyPolls} %}}", otherwise);
        yield return new($"{prefix}Ready", new Dictionary<string, object>
        {
            ["Type"] = "Choice",
            ["Choices"] = new object[] { RolloutDefinition.Condition("{% $warmth = 'READY' %}", ready), failed },
            ["Default"] = $"{prefix}Wait",
        });
    }
}
