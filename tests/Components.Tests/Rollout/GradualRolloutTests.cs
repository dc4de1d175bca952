using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;
using Infra.Testing;

namespace Components.Tests.Rollout;

/// <summary>The rollout's state machine, its trigger, its IAM scope and how Pulumi leaves the alias to it.</summary>
public sealed class GradualRolloutTests
{
    private static readonly CodeDirectory Code = new("fn", "/nonexistent");

    internal static StackTemplate SynthApi(GradualRolloutArgs? rollout, Func<RestInferenceApiArgs, RestInferenceApiArgs>? change = null)
    {
        var stack = new Stack("proj", "dev");
        var args = new RestInferenceApiArgs
        {
            ModelName = "ppocr-cls",
            ModelVersion = "2.0.0",
            Function = new InferenceFunctionArgs { Code = Code },
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 10, BurstLimit = 20 }], Clients = [new ApiClient("acme", "standard")] },
            Rollout = rollout,
        };
        new RestInferenceApi(stack, "embed", change is null ? args : change(args));
        return StackTemplate.FromStack(stack);
    }

    internal static OrderedMap States(StackTemplate template, string resource = "embed-rollout-state-machine") =>
        (OrderedMap)template.Property(resource, "definition", "fn::toJSON", "States")!;

    private static object? State(OrderedMap states, string name) => ProgramValues.At(states, name);

    /// <summary>A string as the engine reads it: the program doubles every literal <c>$</c> (<c>$$</c> is Pulumi YAML's escape).</summary>
    internal static string? Text(object? node, params object[] path) => ((string?)ProgramValues.At(node, path))?.Replace("$$", "$", StringComparison.Ordinal);

    [Fact]
    public void Default_steps_shift_5_25_50_percent_by_alias_weights_then_point_live_at_the_new_version()
    {
        var states = States(SynthApi(new GradualRolloutArgs()));

        Assert.Equal(["Step1Shift", "Step2Shift", "Step3Shift", "Step4Shift"], states.Select(s => s.Key).Where(k => k.EndsWith("Shift", StringComparison.Ordinal)));
        string[] weights = ["{% { $target: 0.05 } %}", "{% { $target: 0.25 } %}", "{% { $target: 0.5 } %}"];
        for (var i = 0; i < 3; i++)
        {
            var shift = State(states, $"Step{i + 1}Shift");
            Assert.Equal("arn:aws:states:::aws-sdk:lambda:updateAlias", ProgramValues.At(shift, "Resource"));
            Assert.Equal("live", ProgramValues.At(shift, "Arguments", "Name"));
            Assert.Equal("{% $stable %}", Text(shift, "Arguments", "FunctionVersion"));
            Assert.Equal(weights[i], Text(shift, "Arguments", "RoutingConfig", "AdditionalVersionWeights"));
            Assert.Equal(0L, ProgramValues.At(shift, "Assign", "checks"));
        }

        var promote = State(states, "Step4Shift");
        Assert.Equal("{% $target %}", Text(promote, "Arguments", "FunctionVersion"));
        Assert.Empty((OrderedMap)ProgramValues.At(promote, "Arguments", "RoutingConfig", "AdditionalVersionWeights")!);
        Assert.Equal("RolledOut", ProgramValues.At(states, "Step4Judge", "Default"));
        Assert.Equal("Succeed", ProgramValues.At(states, "RolledOut", "Type"));
    }

    [Fact]
    public void Each_step_bakes_in_check_intervals_and_goes_on_only_after_the_whole_bake()
    {
        var states = States(SynthApi(new GradualRolloutArgs { StepsPercent = [10, 100], Bake = TimeSpan.FromMinutes(5), CheckInterval = TimeSpan.FromSeconds(120) }));

        Assert.Equal("Wait", ProgramValues.At(states, "Step1Bake", "Type"));
        Assert.Equal(120L, ProgramValues.At(states, "Step1Bake", "Seconds"));
        var judge = State(states, "Step1Judge");
        // 5 minutes in 120-second checks: 3 checks (rounded up), then the next step.
        Assert.Equal("{% $checks < 3 %}", Text(judge, "Choices", 2, "Condition"));
        Assert.Equal("Step1Bake", ProgramValues.At(judge, "Choices", 2, "Next"));
        Assert.Equal("Step2Shift", ProgramValues.At(judge, "Default"));
        Assert.Equal("{% $checks + 1 %}", Text(states, "Step1Check", "Assign", "checks"));
    }

    [Fact]
    public void Every_check_reads_the_alarms_in_ALARM_state_and_any_firing_alarm_rolls_back_first()
    {
        var template = SynthApi(new GradualRolloutArgs { AdditionalAlarmNames = ["orders-kpi"] });
        var states = States(template);

        var check = State(states, "Step2Check");
        Assert.Equal("arn:aws:states:::aws-sdk:cloudwatch:describeAlarms", ProgramValues.At(check, "Resource"));
        Assert.Equal("ALARM", ProgramValues.At(check, "Arguments", "StateValue"));
        Assert.Equal(
            [
                "${embed-monitoring-error-rate.name}", "${embed-monitoring-p95-duration.name}", "${embed-monitoring-throttles.name}",
                "${embed-monitoring-cold-start-rate.name}", "${embed-monitoring-api-5xx-rate.name}", "${embed-monitoring-api-4xx-rate.name}",
                "${embed-rollout-canary-error-rate.name}", "${embed-rollout-canary-p95-duration.name}", "orders-kpi",
            ],
            ((List<object?>)ProgramValues.At(check, "Arguments", "AlarmNames")!).Cast<string>());
        Assert.Equal("{% [$states.result.MetricAlarms.AlarmName] %}", Text(check, "Assign", "firing"));
        var judge = State(states, "Step2Judge");
        Assert.Equal("{% $count($firing) > 0 %}", Text(judge, "Choices", 0, "Condition"));
        Assert.Equal("RollBack", ProgramValues.At(judge, "Choices", 0, "Next"));
        // A newer pulumi up wrote another version: this execution stops shifting.
        Assert.Equal("{% $latest != $target %}", Text(judge, "Choices", 1, "Condition"));
        Assert.Equal("Superseded", ProgramValues.At(judge, "Choices", 1, "Next"));
    }

    [Fact]
    public void The_rollback_puts_all_traffic_on_the_previous_version_and_fails_the_execution()
    {
        var states = States(SynthApi(new GradualRolloutArgs()));

        var rollBack = State(states, "RollBack");
        Assert.Equal("arn:aws:states:::aws-sdk:lambda:updateAlias", ProgramValues.At(rollBack, "Resource"));
        Assert.Equal("{% $stable %}", Text(rollBack, "Arguments", "FunctionVersion"));
        Assert.Empty((OrderedMap)ProgramValues.At(rollBack, "Arguments", "RoutingConfig", "AdditionalVersionWeights")!);
        Assert.Equal("RolloutFailed", ProgramValues.At(rollBack, "Next"));
        Assert.Equal("Fail", ProgramValues.At(states, "RolloutFailed", "Type"));
        Assert.Equal("RolloutFailed", ProgramValues.At(states, "RolloutFailed", "Error"));
        Assert.Contains("$join($firing, ', ')", Text(states, "RolloutFailed", "Cause"), StringComparison.Ordinal);
        // A traffic change that keeps failing also rolls back.
        Assert.Equal("RollBack", ProgramValues.At(states, "Step3Shift", "Catch", 0, "Next"));
    }

    [Fact]
    public void It_starts_from_the_parameter_and_the_live_alias_and_does_nothing_when_they_agree()
    {
        var states = States(SynthApi(new GradualRolloutArgs()));

        Assert.Equal("arn:aws:states:::aws-sdk:ssm:getParameter", ProgramValues.At(states, "ReadTarget", "Resource"));
        Assert.Equal("/proj/dev/embed/rollout/target-version", ProgramValues.At(states, "ReadTarget", "Arguments", "Name"));
        Assert.Equal("arn:aws:states:::aws-sdk:lambda:getAlias", ProgramValues.At(states, "ReadStable", "Resource"));
        Assert.Equal("{% $states.result.FunctionVersion %}", Text(states, "ReadStable", "Assign", "stable"));
        Assert.Equal("{% $stable = $target %}", Text(states, "Decide", "Choices", 0, "Condition"));
        Assert.Equal("AlreadyLive", ProgramValues.At(states, "Decide", "Choices", 0, "Next"));
        Assert.Equal("Step1Shift", ProgramValues.At(states, "Decide", "Default"));
    }

    [Theory]
    [InlineData(new[] { 100 })]
    [InlineData(new[] { 5, 25, 50, 100 })]
    [InlineData(new[] { 1, 2, 3, 10, 20, 30, 40, 60, 80, 100 })]
    public void Every_transition_names_a_state_and_every_state_is_reachable(int[] steps)
    {
        var template = SynthApi(new GradualRolloutArgs { StepsPercent = steps });
        var states = States(template);
        Assert.Equal("JSONata", template.Property("embed-rollout-state-machine", "definition", "fn::toJSON", "QueryLanguage"));

        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([(string)template.Property("embed-rollout-state-machine", "definition", "fn::toJSON", "StartAt")!]);
        while (pending.TryPop(out var name))
        {
            Assert.True(states.Any(s => s.Key == name), $"transition to missing state {name}");
            if (!reached.Add(name))
            {
                continue;
            }

            foreach (var next in Transitions((OrderedMap)State(states, name)!))
            {
                pending.Push(next);
            }
        }

        Assert.Equal(states.Select(s => s.Key).Order(StringComparer.Ordinal), reached.Order(StringComparer.Ordinal));
        // Only Succeed and Fail states end an execution.
        Assert.All(states.Where(s => !Transitions((OrderedMap)s.Value!).Any()), s => Assert.Contains((string)ProgramValues.At(s.Value, "Type")!, new[] { "Succeed", "Fail" }));
    }

    private static IEnumerable<string> Transitions(OrderedMap state)
    {
        foreach (var (key, value) in state)
        {
            switch (key, value)
            {
                case ("Next" or "Default", string next):
                    yield return next;
                    break;
                case ("Choices" or "Catch", List<object?> branches):
                    foreach (var branch in branches)
                    {
                        yield return (string)ProgramValues.At(branch, "Next")!;
                    }

                    break;
            }
        }
    }

    [Fact]
    public void The_state_machine_may_read_only_its_parameter_and_alarms_and_change_only_this_functions_alias()
    {
        var template = SynthApi(new GradualRolloutArgs());
        var statements = (List<object?>)template.Property("embed-rollout-role-policy", "policy", "fn::toJSON", "Statement")!;

        Assert.Equal(["ReadTargetVersion", "CheckAlarms", "ShiftLiveAlias"], statements.Select(s => (string)ProgramValues.At(s, "Sid")!));
        Assert.Equal(["ssm:GetParameter"], ((List<object?>)ProgramValues.At(statements[0], "Action")!).Cast<string>());
        Assert.Equal("arn:${aws-partition.partition}:ssm:${aws-region.region}:${aws-caller-identity.accountId}:parameter/proj/dev/embed/rollout/target-version",
            ProgramValues.At(statements[0], "Resource"));
        Assert.Equal(["cloudwatch:DescribeAlarms"], ((List<object?>)ProgramValues.At(statements[1], "Action")!).Cast<string>());
        var alarms = ((List<object?>)ProgramValues.At(statements[1], "Resource")!).Cast<string>().ToList();
        Assert.Equal(8, alarms.Count);
        Assert.All(alarms, arn => Assert.Matches(@"^arn:\$\{aws-partition\.partition\}:cloudwatch:\$\{aws-region\.region\}:\$\{aws-caller-identity\.accountId\}:alarm:\$\{embed-(monitoring|rollout)-[a-z0-9-]+\.name\}$", arn));
        Assert.Equal(["lambda:GetAlias", "lambda:UpdateAlias"], ((List<object?>)ProgramValues.At(statements[2], "Action")!).Cast<string>());
        Assert.Equal(["${embed-function-function.arn}", "${embed-function-function.arn}:live"], ((List<object?>)ProgramValues.At(statements[2], "Resource")!).Cast<string>());
        Assert.Equal("states.amazonaws.com", template.Property("embed-rollout-role", "assumeRolePolicy", "fn::toJSON", "Statement", 0, "Principal", "Service"));

        var start = template.Property("embed-rollout-events-role-policy", "policy", "fn::toJSON", "Statement", 0);
        Assert.Equal(["states:StartExecution"], ((List<object?>)ProgramValues.At(start, "Action")!).Cast<string>());
        Assert.Equal("${embed-rollout-state-machine.arn}", ProgramValues.At(start, "Resource"));
    }

    [Fact]
    public void Pulumi_up_writes_the_published_version_into_the_parameter_whose_change_event_starts_the_state_machine()
    {
        var template = SynthApi(new GradualRolloutArgs());

        Assert.Equal("/proj/dev/embed/rollout/target-version", template.Property("embed-rollout-target-version", "name"));
        Assert.Equal("${embed-function-function.version}", template.Property("embed-rollout-target-version", "value"));
        Assert.Equal(["${embed-rollout-state-machine}", "${embed-rollout-trigger-target}"],
            ((List<object?>)template.At("resources", "embed-rollout-target-version", "options", "dependsOn")!).Cast<string>());
        var pattern = template.Property("embed-rollout-trigger", "eventPattern", "fn::toJSON");
        Assert.Equal(["aws.ssm"], ((List<object?>)ProgramValues.At(pattern, "source")!).Cast<string>());
        Assert.Equal(["Parameter Store Change"], ((List<object?>)ProgramValues.At(pattern, "detail-type")!).Cast<string>());
        Assert.Equal(["/proj/dev/embed/rollout/target-version"], ((List<object?>)ProgramValues.At(pattern, "detail", "name")!).Cast<string>());
        Assert.Equal("${embed-rollout-state-machine.arn}", template.Property("embed-rollout-trigger-target", "arn"));
        Assert.Equal("${embed-rollout-events-role.arn}", template.Property("embed-rollout-trigger-target", "roleArn"));
        Assert.Equal("STANDARD", template.Property("embed-rollout-state-machine", "type"));
    }

    [Fact]
    public void With_a_rollout_pulumi_creates_the_alias_once_and_leaves_its_version_and_weights_to_the_state_machine()
    {
        var rolled = SynthApi(new GradualRolloutArgs());
        var direct = SynthApi(null);

        Assert.Equal("${embed-function-function.version}", rolled.Property("embed-function-alias", "functionVersion"));
        Assert.Equal(["functionVersion", "routingConfig"], ((List<object?>)rolled.At("resources", "embed-function-alias", "options", "ignoreChanges")!).Cast<string>());
        Assert.False(direct.Has("resources", "embed-function-alias", "options", "ignoreChanges"));
        Assert.False(direct.Has("resources", "embed-rollout-state-machine"));
        // Every change still publishes a version, and old versions are kept: a rollback needs no rebuild.
        Assert.Equal(true, rolled.Property("embed-function-function", "publish"));
    }

    [Fact]
    public void The_canary_alarms_watch_the_new_version_alone_by_the_apis_own_thresholds()
    {
        var template = SynthApi(new GradualRolloutArgs(), a => a with { ErrorRatePercent = 2, P95Duration = TimeSpan.FromMilliseconds(800) });

        var duration = template.Resource("embed-rollout-canary-p95-duration");
        Assert.Equal("${embed-function-function.version}", ProgramValues.At(duration, "properties", "dimensions", "ExecutedVersion"));
        Assert.Equal("${embed-function-function.name}:live", ProgramValues.At(duration, "properties", "dimensions", "Resource"));
        Assert.Equal(800m, ProgramValues.At(duration, "properties", "threshold"));
        Assert.Equal(ProgramValues.At(template.Resource("embed-monitoring-p95-duration"), "properties", "threshold"), ProgramValues.At(duration, "properties", "threshold"));
        Assert.Equal("p95", ProgramValues.At(duration, "properties", "extendedStatistic"));
        var errors = template.Resource("embed-rollout-canary-error-rate");
        Assert.Equal(2m, ProgramValues.At(errors, "properties", "threshold"));
        Assert.Equal(ProgramValues.At(template.Resource("embed-monitoring-error-rate"), "properties", "threshold"), ProgramValues.At(errors, "properties", "threshold"));
        Assert.Equal("${embed-function-function.version}", ProgramValues.At(errors, "properties", "metricQueries", 0, "metric", "dimensions", "ExecutedVersion"));
    }

    [Theory]
    [InlineData(new[] { 50, 25, 100 }, "strictly increasing")]
    [InlineData(new[] { 5, 50 }, "a last step of 100")]
    [InlineData(new[] { 0, 100 }, "percentages from 1 to 100")]
    [InlineData(new int[0], "1 to 10 steps")]
    public void Bad_steps_name_the_component_the_key_the_value_and_what_is_allowed(int[] steps, string allowed)
    {
        var error = Assert.Throws<SynthesisException>(() => SynthApi(new GradualRolloutArgs { StepsPercent = steps }));

        Assert.Contains("embed", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Rollout.StepsPercent = '{string.Join(", ", steps)}' is invalid: expected {allowed}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_bake_and_interval_values_are_refused()
    {
        var error = Assert.Throws<SynthesisException>(() => SynthApi(new GradualRolloutArgs { Bake = TimeSpan.FromMinutes(0), CheckInterval = TimeSpan.FromSeconds(5) }));

        Assert.Contains("Rollout.Bake = 0 seconds is invalid: expected a whole number of minutes from 1 to 1440", error.Message, StringComparison.Ordinal);
        Assert.Contains("Rollout.CheckInterval = 5 seconds is invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_batch_pattern_rolls_out_through_the_same_alias_weights()
    {
        var template = SynthBatchWithRollout();

        Assert.Equal("${batch-function-alias.arn}", template.Property("batch-trigger", "functionName"));
        Assert.Equal("{% { $target: 0.25 } %}", Text(States(template, "batch-rollout-state-machine"), "Step2Shift", "Arguments", "RoutingConfig", "AdditionalVersionWeights"));
        Assert.Contains("${batch-monitoring-error-rate.name}", ((List<object?>)ProgramValues.At(States(template, "batch-rollout-state-machine"), "Step1Check", "Arguments", "AlarmNames")!).Cast<string>());
    }

    [Fact]
    public void The_batch_canary_is_judged_by_the_batch_functions_own_duration_threshold_not_an_apis()
    {
        var template = SynthBatchWithRollout();

        // One invocation handles up to a batch of objects: the function's alarm sits at 80 % of its 120 s timeout.
        Assert.Equal(96_000m, template.Property("batch-monitoring-p95-duration", "threshold"));
        Assert.Equal(template.Property("batch-monitoring-p95-duration", "threshold"), template.Property("batch-rollout-canary-p95-duration", "threshold"));
        Assert.Equal(template.Property("batch-monitoring-error-rate", "threshold"), template.Property("batch-rollout-canary-error-rate", "threshold"));
    }

    /// <summary>A batch pattern (120 s function timeout) with the default gradual rollout, synthesized.</summary>
    private static StackTemplate SynthBatchWithRollout()
    {
        var stack = new Stack("proj", "dev");
        new BatchInference(stack, "batch", new BatchInferenceArgs
        {
            Function = new InferenceFunctionArgs { Code = Code, Timeout = TimeSpan.FromSeconds(120) },
            ModelName = "ppocr-cls",
            ModelVersion = "2.0.0",
            Notifications = new AlarmNotifications(stack, "alerts"),
            Rollout = new GradualRolloutArgs(),
        });
        return StackTemplate.FromStack(stack);
    }
}
