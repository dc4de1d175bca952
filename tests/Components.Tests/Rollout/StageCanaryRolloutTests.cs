using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;
using Infra.Testing;
using static Components.Tests.Rollout.GradualRolloutTests;

namespace Components.Tests.Rollout;

/// <summary>A rollout of a function with provisioned concurrency: traffic split at the API stage's canary, never with alias weights.</summary>
public sealed class StageCanaryRolloutTests
{
    private static StackTemplate SynthWarm(GradualRolloutArgs? rollout = null) => SynthApi(rollout ?? new GradualRolloutArgs(), a => a with
    {
        Function = a.Function with { ProvisionedConcurrency = new ProvisionedConcurrencyScheduleArgs() },
    });

    private static List<string> Strings(object? list) => [.. ((List<object?>)list!).Cast<string>()];

    [Fact]
    public void The_integration_invokes_the_alias_the_stage_variable_names_live_on_the_stage_and_candidate_in_its_canary()
    {
        var template = SynthWarm();

        Assert.Equal("arn:${aws-partition.partition}:apigateway:${aws-region.region}:lambda:path/2015-03-31/functions/${embed-function-function.arn}:$${stageVariables.lambdaAlias}/invocations",
            template.Property("embed-api-predict-integration", "uri"));
        Assert.Equal("live", template.Property("embed-api-stage", "variables", "lambdaAlias"));
        Assert.Equal(0m, template.Property("embed-api-stage", "canarySettings", "percentTraffic"));
        Assert.Equal("${embed-function-candidate-alias.name}", template.Property("embed-api-stage", "canarySettings", "stageVariableOverrides", "lambdaAlias"));
        Assert.Equal("${embed-api-deployment.id}", template.Property("embed-api-stage", "canarySettings", "deploymentId"));
        Assert.Equal(["canarySettings.percentTraffic"], Strings(template.At("resources", "embed-api-stage", "options", "ignoreChanges")));
        Assert.Equal("candidate", template.Property("embed-function-candidate-alias", "name"));
        Assert.Equal(["functionVersion"], Strings(template.At("resources", "embed-function-candidate-alias", "options", "ignoreChanges")));
        // Each route may invoke both aliases, from this stage only.
        Assert.Equal("${embed-function-candidate-alias.name}", template.Property("embed-api-predict-permission-canary", "qualifier"));
        Assert.Equal("live", template.Property("embed-api-predict-permission", "qualifier"));
        // The provisioned concurrency stays on live, which never gets routing weights.
        Assert.Equal("function:${embed-function-function.name}:${embed-function-alias.name}", template.Property("embed-function-concurrency-target", "resourceId"));
        Assert.DoesNotContain("AdditionalVersionWeights", JsonProgramText(template), StringComparison.Ordinal);
    }

    private static string JsonProgramText(StackTemplate template) => Infra.Core.Synthesis.JsonProgramWriter.Write(template.Program);

    [Fact]
    public void Before_the_first_step_the_candidate_gets_the_new_version_and_lives_provisioned_concurrency_and_must_be_READY()
    {
        var states = States(SynthWarm());

        Assert.Equal("Prepare", ProgramValues.At(states, "Decide", "Default"));
        Assert.Equal("candidate", ProgramValues.At(states, "Prepare", "Arguments", "Name"));
        Assert.Equal("{% $target %}", Text(states, "Prepare", "Arguments", "FunctionVersion"));
        Assert.Equal("arn:aws:states:::aws-sdk:lambda:getProvisionedConcurrencyConfig", ProgramValues.At(states, "PrepareReadWarmth", "Resource"));
        Assert.Equal("live", ProgramValues.At(states, "PrepareReadWarmth", "Arguments", "Qualifier"));
        Assert.Equal("arn:aws:states:::aws-sdk:lambda:putProvisionedConcurrencyConfig", ProgramValues.At(states, "PrepareWarmCandidate", "Resource"));
        Assert.Equal("{% $warm %}", Text(states, "PrepareWarmCandidate", "Arguments", "ProvisionedConcurrentExecutions"));
        Assert.Equal("{% $warmth = 'READY' %}", Text(states, "PrepareReady", "Choices", 0, "Condition"));
        Assert.Equal("Step1Shift", ProgramValues.At(states, "PrepareReady", "Choices", 0, "Next"));
        Assert.Equal("RollBack", ProgramValues.At(states, "PrepareReady", "Choices", 1, "Next"));
        Assert.Equal("PrepareWait", ProgramValues.At(states, "PrepareReady", "Default"));
    }

    [Fact]
    public void Each_step_moves_the_stage_canarys_share_and_the_end_promotes_live_once_it_is_warm_then_cools_the_candidate()
    {
        var states = States(SynthWarm());

        string[] percents = ["5.0", "25.0", "50.0", "100.0"];
        for (var i = 0; i < 4; i++)
        {
            var shift = ProgramValues.At(states, $"Step{i + 1}Shift");
            Assert.Equal("arn:aws:states:::aws-sdk:apigateway:updateStage", ProgramValues.At(shift, "Resource"));
            Assert.Equal("${embed-api-api.id}", ProgramValues.At(shift, "Arguments", "RestApiId"));
            Assert.Equal("/canarySettings/percentTraffic", ProgramValues.At(shift, "Arguments", "PatchOperations", 0, "Path"));
            Assert.Equal(percents[i], ProgramValues.At(shift, "Arguments", "PatchOperations", 0, "Value"));
        }

        Assert.Equal("Finish", ProgramValues.At(states, "Step4Judge", "Default"));
        Assert.Equal("live", ProgramValues.At(states, "Finish", "Arguments", "Name"));
        Assert.Equal("{% $target %}", Text(states, "Finish", "Arguments", "FunctionVersion"));
        Assert.Equal("FinishBackToLive", ProgramValues.At(states, "FinishReady", "Choices", 0, "Next"));
        Assert.Equal("0.0", ProgramValues.At(states, "FinishBackToLive", "Arguments", "PatchOperations", 0, "Value"));
        Assert.Equal("arn:aws:states:::aws-sdk:lambda:deleteProvisionedConcurrencyConfig", ProgramValues.At(states, "FinishCoolCandidate", "Resource"));
        Assert.Equal("RolledOut", ProgramValues.At(states, "FinishCoolCandidate", "Next"));
    }

    [Fact]
    public void The_rollback_sends_all_traffic_to_live_on_the_previous_version_and_fails()
    {
        var states = States(SynthWarm());

        Assert.Equal("0.0", ProgramValues.At(states, "RollBack", "Arguments", "PatchOperations", 0, "Value"));
        Assert.Equal("RollBackLive", ProgramValues.At(states, "RollBack", "Next"));
        Assert.Equal("{% $stable %}", Text(states, "RollBackLive", "Arguments", "FunctionVersion"));
        Assert.Equal("RolloutFailed", ProgramValues.At(states, "RollBackCoolCandidate", "Next"));
        Assert.Equal("RolloutFailed", ProgramValues.At(states, "RollBackCoolCandidate", "Catch", 0, "Next"));
    }

    [Fact]
    public void Its_role_may_point_only_this_functions_aliases_warm_only_the_candidate_and_patch_only_this_stage()
    {
        var template = SynthWarm();
        var statements = (List<object?>)template.Property("embed-rollout-role-policy", "policy", "fn::toJSON", "Statement")!;

        Assert.Equal(["ReadTargetVersion", "CheckAlarms", "PointAliases", "ReadLiveWarmth", "WarmCandidate", "MoveStageCanary"], statements.Select(s => (string)ProgramValues.At(s, "Sid")!));
        Assert.Equal(["${embed-function-function.arn}", "${embed-function-function.arn}:live", "${embed-function-function.arn}:candidate"], Strings(ProgramValues.At(statements[2], "Resource")));
        Assert.Equal("${embed-function-function.arn}:candidate", ProgramValues.At(statements[4], "Resource"));
        Assert.Equal(["lambda:PutProvisionedConcurrencyConfig", "lambda:DeleteProvisionedConcurrencyConfig"], Strings(ProgramValues.At(statements[4], "Action")));
        Assert.Equal(["apigateway:PATCH"], Strings(ProgramValues.At(statements[5], "Action")));
        Assert.Equal("arn:${aws-partition.partition}:apigateway:${aws-region.region}::/restapis/${embed-api-api.id}/stages/${embed-api-stage.stageName}", ProgramValues.At(statements[5], "Resource"));
    }

    [Fact]
    public void The_canary_alarms_watch_the_candidate_alias()
    {
        var template = SynthWarm();

        var dimensions = (OrderedMap)template.Property("embed-rollout-canary-p95-duration", "dimensions")!;
        Assert.Equal("${embed-function-function.name}:candidate", ProgramValues.At(dimensions, "Resource"));
        Assert.False(ProgramValues.Has(dimensions, "ExecutedVersion"));
    }

    [Fact]
    public void A_queue_driven_function_with_provisioned_concurrency_and_a_rollout_is_refused()
    {
        var stack = new Stack("proj", "dev");
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
