using Infra.Core;

namespace Infra.Components;

/// <summary>
/// The reconciliation state machine (JSONata), run on a schedule: SSM delivers its "Parameter Store Change" events to
/// EventBridge best-effort, so a missed event would leave a published version without traffic. It compares the target
/// version in the parameter with the version the <c>live</c> alias serves and starts the rollout only when they differ,
/// no rollout is running, and no rollout has started since the parameter last changed (one that did and rolled back has
/// judged that version: starting it again would repeat the rollback every few minutes).
/// </summary>
internal sealed class ReconcileDefinition(IRolloutTraffic traffic, Input<string> targetParameter, Input<string> rolloutStateMachineArn)
{
    public const string InSync = "InSync";
    public const string InFlight = "RolloutInFlight";
    public const string AlreadyAttempted = "AlreadyAttempted";
    public const string Started = "RolloutStarted";

    public Dictionary<string, object> Build()
    {
        var states = new Dictionary<string, object>
        {
            ["ReadTarget"] = RolloutDefinition.Task("ssm:getParameter", new Dictionary<string, object> { ["Name"] = targetParameter }, "ReadStable",
                new Dictionary<string, object>
                {
                    ["target"] = "{% $states.result.Parameter.Value %}",
                    ["changed"] = "{% $states.result.Parameter.LastModifiedDate %}",
                }),
        };
        foreach (var (name, state) in traffic.ReadStable("ReadStable", "Compare"))
        {
            states.Add(name, state);
        }

        states["Compare"] = Choice(RolloutDefinition.Condition("{% $stable = $target %}", InSync), "ListRunning");
        // Step Functions' own API is the SDK service "sfn" in an aws-sdk integration (its IAM prefix is "states").
        states["ListRunning"] = RolloutDefinition.Task("sfn:listExecutions",
            new Dictionary<string, object> { ["StateMachineArn"] = rolloutStateMachineArn, ["StatusFilter"] = "RUNNING" }, "CheckRunning",
            new Dictionary<string, object> { ["running"] = "{% $count($states.result.Executions) %}" });
        states["CheckRunning"] = Choice(RolloutDefinition.Condition("{% $running > 0 %}", InFlight), "ListLatest");
        // ListExecutions lists the most recent execution first.
        states["ListLatest"] = RolloutDefinition.Task("sfn:listExecutions",
            new Dictionary<string, object> { ["StateMachineArn"] = rolloutStateMachineArn, ["MaxResults"] = 1 }, "CheckAttempted",
            new Dictionary<string, object> { ["latest"] = "{% $count($states.result.Executions) > 0 ? $states.result.Executions[0].StartDate : '' %}" });
        states["CheckAttempted"] = Choice(RolloutDefinition.Condition("{% $latest != '' and $toMillis($latest) >= $toMillis($changed) %}", AlreadyAttempted), "StartRollout");
        states["StartRollout"] = RolloutDefinition.Task("sfn:startExecution", new Dictionary<string, object>
        {
            ["StateMachineArn"] = rolloutStateMachineArn,
            ["Input"] = "{% $string({'reconciledTarget': $target, 'liveVersion': $stable}) %}",
        }, Started);
        states[InSync] = Succeed("The live alias already serves the target version.");
        states[InFlight] = Succeed("A rollout is running; it owns the traffic.");
        states[AlreadyAttempted] = Succeed("A rollout started after the target version was written (and ended); it is not repeated.");
        states[Started] = Succeed("The change event was missed: a rollout to the target version was started.");

        return new Dictionary<string, object>
        {
            ["Comment"] = "Starts the rollout when the target version's change event was missed",
            ["QueryLanguage"] = "JSONata",
            ["StartAt"] = "ReadTarget",
            ["States"] = states,
        };
    }

    private static Dictionary<string, object> Choice(Dictionary<string, object> condition, string otherwise) =>
        new() { ["Type"] = "Choice", ["Choices"] = new object[] { condition }, ["Default"] = otherwise };

    private static Dictionary<string, object> Succeed(string comment) => new() { ["Type"] = "Succeed", ["Comment"] = comment };
}
