using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;
using Infra.Testing;
using static Components.Tests.Rollout.GradualRolloutTests;

namespace Components.Tests.Rollout;

/// <summary>
/// SSM's "Parameter Store Change" events are best-effort: a scheduled reconciliation starts the rollout whose event was
/// missed. Its definition runs with the JSONata reference implementation against scripted SDK results.
/// </summary>
public sealed class ReconciliationTests
{
    private const string Written = "2026-12-01T10:00:00.000Z";

    private static StackTemplate SynthWarm() => SynthApi(new GradualRolloutArgs(), a => a with
    {
        Function = a.Function with { ProvisionedConcurrency = new ProvisionedConcurrencyScheduleArgs() },
    });

    private static OrderedMap Definition(StackTemplate template) => (OrderedMap)template.Property("embed-rollout-reconcile", "definition", "fn::toJSON")!;

    private static List<string> Strings(object? list) => [.. ((List<object?>)list!).Cast<string>()];

    /// <summary>The SDK results of one reconciliation: the parameter, the live alias, running executions, then the latest one.</summary>
    private static Dictionary<string, object[]> Aws(string target, string live, object[] running, object[] latest) => new()
    {
        ["ssm:getParameter"] = [new { Parameter = new { Name = "/proj/dev/embed/rollout/target-version", Value = target, LastModifiedDate = Written, Version = 3 } }],
        ["lambda:getAlias"] = [new { Name = "live", FunctionVersion = live }],
        ["sfn:listExecutions"] = [new { Executions = running }, new { Executions = latest }],
        ["sfn:startExecution"] = [new { ExecutionArn = "arn:aws:states:us-east-1:123456789012:execution:rollout:x", StartDate = "2026-12-01T10:20:00.000Z" }],
    };

    private static object Execution(string status, string started) =>
        new { ExecutionArn = "arn:aws:states:us-east-1:123456789012:execution:rollout:" + started, Status = status, StartDate = started };

    public static TheoryData<string> Strategies() => ["alias weights", "stage canary"];

    private static StackTemplate Program(string strategy) => strategy == "alias weights" ? SynthApi(new GradualRolloutArgs()) : SynthWarm();

    [Theory]
    [MemberData(nameof(Strategies))]
    public void A_missed_event_leaves_versions_apart_with_no_rollout_since_the_change_so_it_starts_one(string strategy)
    {
        var definition = Definition(Program(strategy));

        // The latest rollout (of the previous version) started before the parameter changed: this change was never handled.
        var missed = StateMachineRunner.Run(definition, Aws("8", "7", [], [Execution("SUCCEEDED", "2026-11-30T09:00:00.000Z")]));
        var never = StateMachineRunner.Run(definition, Aws("8", "7", [], []));

        foreach (var outcome in new[] { missed, never })
        {
            Assert.Equal(ReconcileDefinition.Started, outcome.End);
            var (api, arguments) = outcome.Calls[^1];
            Assert.Equal("sfn:startExecution", api);
            Assert.Equal("${embed-rollout-state-machine.arn}", (string?)arguments!["StateMachineArn"]);
        }

        Assert.Equal(["ssm:getParameter", "lambda:getAlias", "sfn:listExecutions", "sfn:listExecutions", "sfn:startExecution"], missed.Calls.Select(c => c.Api));
        Assert.Equal("live", (string?)missed.Calls[1].Arguments!["Name"]);
        Assert.Equal("RUNNING", (string?)missed.Calls[2].Arguments!["StatusFilter"]);
        Assert.Equal("${embed-rollout-state-machine.arn}", (string?)missed.Calls[2].Arguments!["StateMachineArn"]);
        Assert.Equal(1, (int?)missed.Calls[3].Arguments!["MaxResults"]);
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Matching_versions_start_nothing(string strategy)
    {
        var outcome = StateMachineRunner.Run(Definition(Program(strategy)), Aws("8", "8", [], []));

        Assert.Equal(ReconcileDefinition.InSync, outcome.End);
        Assert.DoesNotContain(outcome.Calls, c => c.Api.StartsWith("states:", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void A_running_rollout_is_left_alone(string strategy)
    {
        var running = Execution("RUNNING", "2026-12-01T10:00:05.000Z");

        var outcome = StateMachineRunner.Run(Definition(Program(strategy)), Aws("8", "7", [running], [running]));

        Assert.Equal(ReconcileDefinition.InFlight, outcome.End);
        Assert.DoesNotContain(outcome.Calls, c => c.Api == "sfn:startExecution");
    }

    [Fact]
    public void A_rollout_that_started_after_the_change_and_rolled_back_is_not_repeated()
    {
        var outcome = StateMachineRunner.Run(Definition(SynthApi(new GradualRolloutArgs())),
            Aws("8", "7", [], [Execution("FAILED", "2026-12-01T10:00:04.000Z")]));

        Assert.Equal(ReconcileDefinition.AlreadyAttempted, outcome.End);
        Assert.DoesNotContain(outcome.Calls, c => c.Api == "sfn:startExecution");
    }

    [Fact]
    public void A_schedule_starts_the_reconciliation_through_a_role_that_may_start_only_the_two_state_machines()
    {
        var template = SynthApi(new GradualRolloutArgs { ReconcileInterval = TimeSpan.FromMinutes(5) });

        Assert.Equal("rate(5 minutes)", template.Property("embed-rollout-reconcile-schedule", "scheduleExpression"));
        Assert.Equal("${embed-rollout-reconcile-schedule.name}", template.Property("embed-rollout-reconcile-target", "rule"));
        Assert.Equal("${embed-rollout-reconcile.arn}", template.Property("embed-rollout-reconcile-target", "arn"));
        Assert.Equal("${embed-rollout-events-role.arn}", template.Property("embed-rollout-reconcile-target", "roleArn"));
        Assert.Equal("events.amazonaws.com", template.Property("embed-rollout-events-role", "assumeRolePolicy", "fn::toJSON", "Statement", 0, "Principal", "Service"));
        var start = (List<object?>)template.Property("embed-rollout-events-role-policy", "policy", "fn::toJSON", "Statement")!;
        Assert.Equal(["StartRollout", "StartReconcile"], start.Select(s => (string)ProgramValues.At(s, "Sid")!));
        Assert.All(start, s => Assert.Equal(["states:StartExecution"], Strings(ProgramValues.At(s, "Action"))));
        Assert.Equal(["${embed-rollout-state-machine.arn}", "${embed-rollout-reconcile.arn}"], start.Select(s => (string)ProgramValues.At(s, "Resource")!));
        Assert.Equal("EXPRESS", template.Property("embed-rollout-reconcile", "type"));
        Assert.Equal("rate(1 minute)", SynthApi(new GradualRolloutArgs { ReconcileInterval = TimeSpan.FromMinutes(1) }).Property("embed-rollout-reconcile-schedule", "scheduleExpression"));
    }

    [Fact]
    public void The_reconciliation_may_read_the_parameter_and_live_alias_and_list_and_start_only_this_rollout()
    {
        var template = SynthApi(new GradualRolloutArgs());
        var statements = (List<object?>)template.Property("embed-rollout-reconcile-role-policy", "policy", "fn::toJSON", "Statement")!;

        Assert.Equal(["ReadTargetVersion", "ReadLiveAlias", "ListRollouts", "StartRollout"], statements.Select(s => (string)ProgramValues.At(s, "Sid")!));
        Assert.Equal(["ssm:GetParameter"], Strings(ProgramValues.At(statements[0], "Action")));
        Assert.Equal("arn:${aws-partition.partition}:ssm:${aws-region.region}:${aws-caller-identity.accountId}:parameter/proj/dev/embed/rollout/target-version",
            ProgramValues.At(statements[0], "Resource"));
        Assert.Equal(["lambda:GetAlias"], Strings(ProgramValues.At(statements[1], "Action")));
        Assert.Equal(["${embed-function-function.arn}", "${embed-function-function.arn}:live"], Strings(ProgramValues.At(statements[1], "Resource")));
        Assert.Equal(["states:ListExecutions"], Strings(ProgramValues.At(statements[2], "Action")));
        Assert.Equal(["states:StartExecution"], Strings(ProgramValues.At(statements[3], "Action")));
        Assert.All(statements.Skip(2), s => Assert.Equal("${embed-rollout-state-machine.arn}", ProgramValues.At(s, "Resource")));
        Assert.Equal("states.amazonaws.com", template.Property("embed-rollout-reconcile-role", "assumeRolePolicy", "fn::toJSON", "Statement", 0, "Principal", "Service"));
        Assert.Equal("${embed-rollout-reconcile-role.arn}", template.Property("embed-rollout-reconcile", "roleArn"));
    }

    [Fact]
    public void A_bad_reconcile_interval_is_refused()
    {
        var error = Assert.Throws<SynthesisException>(() => SynthApi(new GradualRolloutArgs { ReconcileInterval = TimeSpan.FromMinutes(0) }));

        Assert.Contains("Rollout.ReconcileInterval = 0 seconds is invalid: expected a whole number of minutes from 1 to 1440", error.Message, StringComparison.Ordinal);
    }
}
