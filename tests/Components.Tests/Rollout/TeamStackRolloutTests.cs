namespace Components.Tests;

/// <summary>The team stacks' rollout keys: rollout, rolloutSteps, rolloutBakeMinutes.</summary>
public partial class TeamStackTests
{
    [Fact]
    public void The_dev_stack_rolls_every_function_out_in_the_default_steps()
    {
        var (code, program, errors) = Synth(new() { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = "{}" });

        Assert.True(code == 0, errors);
        foreach (var component in new[] { "embed", "large", "batch" })
        {
            Assert.Contains($"  {component}-rollout-state-machine:\n    type: aws:sfn/stateMachine:StateMachine", program, StringComparison.Ordinal);
        }

        Assert.Contains("Gradual rollout 5% -> 25% -> 50% -> 100%, 2 min per step", program, StringComparison.Ordinal);
    }

    [Fact]
    public void RolloutSteps_and_bake_minutes_come_from_config_and_rollout_false_switches_at_once()
    {
        var configured = Synth(new() { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = """{"ml-serving:rolloutSteps":"10, 100","ml-serving:rolloutBakeMinutes":"30"}""" });
        var off = Synth(new() { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = """{"ml-serving:rollout":"false"}""" });

        Assert.True(configured.ExitCode == 0, configured.Errors);
        Assert.Contains("Gradual rollout 10% -> 100%, 30 min per step", configured.Program, StringComparison.Ordinal);
        Assert.True(off.ExitCode == 0, off.Errors);
        Assert.DoesNotContain("aws:sfn/stateMachine:StateMachine", off.Program, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5,50", "a last step of 100")]
    [InlineData("50,25,100", "strictly increasing")]
    [InlineData("5;100", "comma-separated whole percentages")]
    public void Bad_rollout_steps_are_a_config_error_naming_the_key(string steps, string allowed)
    {
        var (code, program, errors) = Synth(new() { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = $$"""{"ml-serving:rolloutSteps":"{{steps}}"}""" });

        Assert.Equal(1, code);
        Assert.Equal("", program);
        Assert.Contains($"config key 'ml-serving:rolloutSteps' has value '{steps}': expected {allowed}", errors, StringComparison.Ordinal);
    }
}
