using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;
using static Components.Tests.ProgramAssertions;
using static Components.Tests.Rollout.GradualRolloutTests;

namespace Components.Tests.Rollout;

/// <summary>A rollout of a function with provisioned concurrency: traffic split at the API stage's canary, never with alias weights.</summary>
public sealed class StageCanaryRolloutTests
{
    private static OrderedMap SynthWarm(GradualRolloutArgs? rollout = null) => SynthApi(rollout ?? new GradualRolloutArgs(), a => a with
    {
        Function = a.Function with { ProvisionedConcurrency = new ProvisionedConcurrencyScheduleArgs() },
    });

    private static List<string> Strings(object? list) => [.. ((List<object?>)list!).Cast<string>()];

    [Fact]
    public void The_integration_invokes_the_alias_the_stage_variable_names_live_on_the_stage_and_candidate_in_its_canary()
    {
        var program = SynthWarm();

        Assert.Equal("arn:${aws-partition.partition}:apigateway:${aws-region.region}:lambda:path/2015-03-31/functions/${embed-function-function.arn}:$${stageVariables.lambdaAlias}/invocations",
            Property(program, "embed-api-predict-integration", "uri"));
        Assert.Equal("live", Property(program, "embed-api-stage", "variables", "lambdaAlias"));
        Assert.Equal(0m, Property(program, "embed-api-stage", "canarySettings", "percentTraffic"));
        Assert.Equal("${embed-function-candidate-alias.name}", Property(program, "embed-api-stage", "canarySettings", "stageVariableOverrides", "lambdaAlias"));
        Assert.Equal("${embed-api-deployment.id}", Property(program, "embed-api-stage", "canarySettings", "deploymentId"));
        Assert.Equal(["canarySettings.percentTraffic"], Strings(At(program, "resources", "embed-api-stage", "options", "ignoreChanges")));
        Assert.Equal("candidate", Property(program, "embed-function-candidate-alias", "name"));
        Assert.Equal(["functionVersion"], Strings(At(program, "resources", "embed-function-candidate-alias", "options", "ignoreChanges")));
        // Each route may invoke both aliases, from this stage only.
        Assert.Equal("${embed-function-candidate-alias.name}", Property(program, "embed-api-predict-permission-canary", "qualifier"));
        Assert.Equal("live", Property(program, "embed-api-predict-permission", "qualifier"));
        // The provisioned concurrency stays on live, which never gets routing weights.
        Assert.Equal("function:${embed-function-function.name}:${embed-function-alias.name}", Property(program, "embed-function-concurrency-target", "resourceId"));
        Assert.DoesNotContain("AdditionalVersionWeights", JsonProgramText(program), StringComparison.Ordinal);
    }

    private static string JsonProgramText(OrderedMap program) => Infra.Core.Synthesis.JsonProgramWriter.Write(program);

    [Fact]
    public void Before_the_first_step_the_candidate_gets_the_new_version_and_lives_provisioned_concurrency_and_must_be_READY()
    {
        var states = States(SynthWarm());

        Assert.Equal("Prepare", At(states, "Decide", "Default"));
        Assert.Equal("candidate", At(states, "Prepare", "Arguments", "Name"));
        Assert.Equal("{% $target %}", Text(states, "Prepare", "Arguments", "FunctionVersion"));
        Assert.Equal("arn:aws:states:::aws-sdk:lambda:getProvisionedConcurrencyConfig", At(states, "PrepareReadWarmth", "Resource"));
        Assert.Equal("live", At(states, "PrepareReadWarmth", "Arguments", "Qualifier"));
        Assert.Equal("arn:aws:states:::aws-sdk:lambda:putProvisionedConcurrencyConfig", At(states, "PrepareWarmCandidate", "Resource"));
        Assert.Equal("{% $warm %}", Text(states, "PrepareWarmCandidate", "Arguments", "ProvisionedConcurrentExecutions"));
        Assert.Equal("{% $warmth = 'READY' %}", Text(states, "PrepareReady", "Choices", 0, "Condition"));
        Assert.Equal("Step1Shift", At(states, "PrepareReady", "Choices", 0, "Next"));
        Assert.Equal("RollBack", At(states, "PrepareReady", "Choices", 1, "Next"));
        Assert.Equal("PrepareWait", At(states, "PrepareReady", "Default"));
    }

    [Fact]
    public void Each_step_moves_the_stage_canarys_share_and_the_end_promotes_live_once_it_is_warm_then_cools_the_candidate()
    {
        var states = States(SynthWarm());

        string[] percents = ["5.0", "25.0", "50.0", "100.0"];
        for (var i = 0; i < 4; i++)
        {
            var shift = At(states, $"Step{i + 1}Shift");
            Assert.Equal("arn:aws:states:::aws-sdk:apigateway:updateStage", At(shift, "Resource"));
            Assert.Equal("${embed-api-api.id}", At(shift, "Arguments", "RestApiId"));
            Assert.Equal("/canarySettings/percentTraffic", At(shift, "Arguments", "PatchOperations", 0, "Path"));
            Assert.Equal(percents[i], At(shift, "Arguments", "PatchOperations", 0, "Value"));
        }

        Assert.Equal("Finish", At(states, "Step4Judge", "Default"));
        Assert.Equal("live", At(states, "Finish", "Arguments", "Name"));
        Assert.Equal("{% $target %}", Text(states, "Finish", "Arguments", "FunctionVersion"));
        Assert.Equal("FinishBackToLive", At(states, "FinishReady", "Choices", 0, "Next"));
        Assert.Equal("0.0", At(states, "FinishBackToLive", "Arguments", "PatchOperations", 0, "Value"));
        Assert.Equal("arn:aws:states:::aws-sdk:lambda:deleteProvisionedConcurrencyConfig", At(states, "FinishCoolCandidate", "Resource"));
        Assert.Equal("RolledOut", At(states, "FinishCoolCandidate", "Next"));
    }

    [Fact]
    public void The_rollback_sends_all_traffic_to_live_on_the_previous_version_and_fails()
    {
        var states = States(SynthWarm());

        Assert.Equal("0.0", At(states, "RollBack", "Arguments", "PatchOperations", 0, "Value"));
        Assert.Equal("RollBackLive", At(states, "RollBack", "Next"));
        Assert.Equal("{% $stable %}", Text(states, "RollBackLive", "Arguments", "FunctionVersion"));
        Assert.Equal("RolloutFailed", At(states, "RollBackCoolCandidate", "Next"));
        Assert.Equal("RolloutFailed", At(states, "RollBackCoolCandidate", "Catch", 0, "Next"));
    }

    [Fact]
    public void Its_role_may_point_only_this_functions_aliases_warm_only_the_candidate_and_patch_only_this_stage()
    {
        var program = SynthWarm();
        var statements = (List<object?>)Property(program, "embed-rollout-role-policy", "policy", "fn::toJSON", "Statement")!;

        Assert.Equal(["ReadTargetVersion", "CheckAlarms", "PointAliases", "ReadLiveWarmth", "WarmCandidate", "MoveStageCanary"], statements.Select(s => (string)At(s, "Sid")!));
        Assert.Equal(["${embed-function-function.arn}", "${embed-function-function.arn}:live", "${embed-function-function.arn}:candidate"], Strings(At(statements[2], "Resource")));
        Assert.Equal("${embed-function-function.arn}:candidate", At(statements[4], "Resource"));
        Assert.Equal(["lambda:PutProvisionedConcurrencyConfig", "lambda:DeleteProvisionedConcurrencyConfig"], Strings(At(statements[4], "Action")));
        Assert.Equal(["apigateway:PATCH"], Strings(At(statements[5], "Action")));
        Assert.Equal("arn:${aws-partition.partition}:apigateway:${aws-region.region}::/restapis/${embed-api-api.id}/stages/${embed-api-stage.stageName}", At(statements[5], "Resource"));
    }

    [Fact]
    public void The_canary_alarms_watch_the_candidate_alias()
    {
        var program = SynthWarm();

        var dimensions = (OrderedMap)Property(program, "embed-rollout-canary-p95-duration", "dimensions")!;
        Assert.Equal("${embed-function-function.name}:candidate", At(dimensions, "Resource"));
        Assert.False(Has(dimensions, "ExecutedVersion"));
    }

    [Fact]
    public void A_queue_driven_function_with_provisioned_concurrency_and_a_rollout_is_refused()
    {
        var stack = NewStack();
        var error = Assert.Throws<SynthesisException>(() => new BatchInference(stack, "batch", new BatchInferenceArgs
        {
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("fn", "/nonexistent"), Timeout = TimeSpan.FromSeconds(120), ProvisionedConcurrency = new ProvisionedConcurrencyScheduleArgs() },
            ModelName = "ppocr-cls",
            ModelVersion = "2.0.0",
            Notifications = new AlarmNotifications(stack, "alerts"),
            Rollout = new GradualRolloutArgs(),
        }));

        Assert.Contains("Rollout = 'a rollout with Function.ProvisionedConcurrency' is invalid: expected no provisioned concurrency on a queue-driven function", error.Message, StringComparison.Ordinal);
    }
}
