using Infra.Hosting;

namespace Components.Tests.Preview;

/// <summary>Preview lists what a fresh account needs before the first deploy, as the team stack's components declared it.</summary>
public sealed class PrerequisitesPreviewTests
{
    private static (int ExitCode, string Out, string Error) Preview(string stack, string configJson = "{}")
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var environment = new Dictionary<string, string> { ["PULUMI_STACK"] = stack, ["PULUMI_CONFIG"] = configJson };
        var code = Deployment.Run(["preview"], Stacks.TeamStacks.Define, new DeploymentOptions
        {
            Out = output,
            Error = errors,
            ProjectDirectory = TeamStackTests.RepositoryRoot(),
            Environment = environment.GetValueOrDefault,
        });
        return (code, output.ToString(), errors.ToString());
    }

    /// <summary>The section between its heading and the next blank line.</summary>
    private static string Section(string output)
    {
        var start = output.IndexOf("\nBefore the first deploy into a fresh account: ", StringComparison.Ordinal);
        Assert.True(start >= 0, output);
        var end = output.IndexOf("\n\n", start + 1, StringComparison.Ordinal);
        return output[(start + 1)..end];
    }

    [Fact]
    public void Dev_sets_the_logging_role_itself_and_needs_docker_where_pulumi_up_runs()
    {
        var (code, output, errors) = Preview("dev");

        Assert.True(code == 0, errors);
        var section = Section(output);
        Assert.StartsWith("Before the first deploy into a fresh account: 2 prerequisite(s)\n", section, StringComparison.Ordinal);
        Assert.Contains("  managed by this stack: API Gateway CloudWatch Logs role (an account setting, one per region) (needed by apigateway-logging, embed/api, large/api)\n", section, StringComparison.Ordinal);
        Assert.Contains("  needed where `pulumi up` runs: Docker (needed by large)\n", section, StringComparison.Ordinal);
        Assert.DoesNotContain("cost allocation tags", section, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stack_relying_on_the_existing_logging_role_says_what_must_already_be_set()
    {
        var (code, output, errors) = Preview("dev", """{"ml-serving:apiGatewayAccountLogging":"existing"}""");

        Assert.True(code == 0, errors);
        var section = Section(output);
        Assert.Contains("  expected in the account: API Gateway CloudWatch Logs role (an account setting, one per region) (needed by embed/api, large/api)\n", section, StringComparison.Ordinal);
        Assert.Contains("`aws apigateway get-account` must show a cloudwatchRoleArn", section, StringComparison.Ordinal);
        Assert.Contains("CloudWatch Logs role ARN must be set in account settings to enable logging", section, StringComparison.Ordinal);
    }

    [Fact]
    public void Prod_lists_the_cost_allocation_tags_to_activate_and_its_anomaly_monitor()
    {
        var (code, output, errors) = Preview("prod");

        Assert.True(code == 0, errors);
        var section = Section(output);
        Assert.StartsWith("Before the first deploy into a fresh account: 4 prerequisite(s)\n", section, StringComparison.Ordinal);
        Assert.Contains("  managed by this stack: Cost Anomaly Detection monitor (needed by cost)\n", section, StringComparison.Ordinal);
        Assert.Contains("  expected in the account: cost allocation tags activated (needed by cost)\n", section, StringComparison.Ordinal);
        Assert.Contains("aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=project,Status=Active TagKey=stack,Status=Active", section, StringComparison.Ordinal);
        // Managed first, then the account, then the deploying machine.
        Assert.True(section.IndexOf("managed by this stack", StringComparison.Ordinal) < section.IndexOf("expected in the account", StringComparison.Ordinal));
        Assert.True(section.IndexOf("expected in the account", StringComparison.Ordinal) < section.IndexOf("needed where", StringComparison.Ordinal));
    }

    [Fact]
    public void Prod_with_an_existing_anomaly_monitor_expects_it_in_the_account()
    {
        const string arn = "arn:aws:ce::123456789012:anomalymonitor/0a1b2c3d-4e5f-6789-abcd-ef0123456789";

        var (code, output, errors) = Preview("prod", $$"""{"ml-serving:anomalyMonitorArn":"{{arn}}"}""");

        Assert.True(code == 0, errors);
        Assert.Contains($"  expected in the account: Cost Anomaly Detection monitor (needed by cost)\n    expected to exist: {arn}", Section(output), StringComparison.Ordinal);
    }
}
