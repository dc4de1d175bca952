using System.Text.RegularExpressions;
using Infra.Hosting;
using TestModels;

namespace Components.Tests;

/// <summary>The repository's own stacks, synthesized the way Pulumi's compiler call does.</summary>
public partial class TeamStackTests
{
    internal static string RepositoryRoot() => RepositoryFolder.Root;

    internal static (int ExitCode, string Program, string Errors) Synth(Dictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = Deployment.Run(args, Stacks.TeamStacks.Define, new DeploymentOptions
        {
            Out = output,
            Error = errors,
            ProjectDirectory = RepositoryRoot(),
            Environment = name => environment.GetValueOrDefault(name),
        });
        return (code, output.ToString(), errors.ToString());
    }

    private static SortedSet<string> Packages(string program) =>
        new(TypeToken().Matches(program).Select(m => m.Groups[1].Value), StringComparer.Ordinal);

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Each_stack_synthesizes_from_its_stack_file(string stack)
    {
        var (code, program, errors) = Synth([], "synth", "--stack", stack);

        Assert.True(code == 0, errors);
        Assert.Contains("type: aws:lambda/function:Function", program, StringComparison.Ordinal);
    }

    [Fact]
    public void Discovery_without_pulumi_variables_needs_the_same_packages_as_every_stack()
    {
        var discovery = Synth([]);
        Assert.Equal(0, discovery.ExitCode);

        foreach (var stack in new[] { "dev", "prod" })
        {
            var run = Synth(new() { ["PULUMI_STACK"] = stack, ["PULUMI_CONFIG"] = "{}" });
            Assert.Equal(Packages(discovery.Program), Packages(run.Program));
        }
    }

    [Fact]
    public void Prod_protects_its_data_and_dev_can_be_torn_down()
    {
        var prod = Synth([], "synth", "--stack", "prod").Program;
        var dev = Synth([], "synth", "--stack", "dev").Program;

        Assert.Contains("protect: true", prod, StringComparison.Ordinal);
        Assert.DoesNotContain("forceDestroy", prod, StringComparison.Ordinal);
        Assert.DoesNotContain("protect: true", dev, StringComparison.Ordinal);
        Assert.Contains("forceDestroy: true", dev, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_stack_is_refused_with_the_known_ones()
    {
        var (code, program, errors) = Synth(new() { ["PULUMI_STACK"] = "staging", ["PULUMI_CONFIG"] = "{}" });

        Assert.Equal(1, code);
        Assert.Equal("", program);
        Assert.Contains("unknown stack 'staging': this project defines dev, prod", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_stack_config_emits_no_resources()
    {
        var (code, program, errors) = Synth(new() { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = """{"ml-serving:logRetentionDays":"10"}""" });

        Assert.Equal(1, code);
        Assert.Equal("", program);
        Assert.Contains("config key 'ml-serving:logRetentionDays' has value '10': expected one of 1, 3, 5, 7, 14, 30", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Prod_alarms_reach_the_secret_email_address_without_its_value_in_the_program()
    {
        var (code, program, errors) = Synth(new() { ["PULUMI_STACK"] = "prod", ["PULUMI_CONFIG"] = """{"ml-serving:alarmEmail":"oncall@example.com"}""" });

        Assert.True(code == 0, errors);
        Assert.Contains("endpoint: ${alarmEmail}", program, StringComparison.Ordinal);
        Assert.Contains("protocol: email", program, StringComparison.Ordinal);
        Assert.DoesNotContain("oncall@example.com", program, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"type: (\w+):")]
    private static partial Regex TypeToken();
}
