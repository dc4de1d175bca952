using Infra.Configuration;
using Infra.Core;
using Infra.Hosting;
using Infra.Core.Synthesis;
using Infra.Testing;

namespace Components.Tests;

/// <summary>
/// What the team stacks need from a fresh AWS account on their first <c>pulumi up</c>: API Gateway's CloudWatch role
/// (set once per stack, both stages waiting for it), a budget that counts only this stack, an anomaly monitor that
/// an account's existing AWS-services monitor does not block, and what preview says about each.
/// </summary>
public class AccountPrerequisiteTests
{
    private const string AccountType = "aws:apigateway/account:Account";

    private static LoadedStack Load(string stackName, string configJson = "{}")
    {
        var layout = ProjectLayout.Find(TeamStackTests.RepositoryRoot());
        var environment = new Dictionary<string, string> { ["PULUMI_STACK"] = stackName, ["PULUMI_CONFIG"] = configJson };
        return new StackLoader(Stacks.TeamStacks.Define, layout, environment.GetValueOrDefault, stackName).Load(stackName);
    }

    private static IReadOnlyList<string> ResourcesOf(StackTemplate template, string type) =>
        [.. ((OrderedMap)template.At("resources")!).Where(r => (string?)ProgramValues.At(r.Value, "type") == type).Select(r => r.Key)];

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void A_fresh_account_gets_the_api_gateway_logging_role_once_and_both_stages_wait_for_it(string stackName)
    {
        var template = StackTemplate.FromStack(Load(stackName).Stack);

        var account = Assert.Single(ResourcesOf(template, AccountType));
        foreach (var stage in new[] { "embed-api-stage", "large-api-stage" })
        {
            Assert.Contains((object)$"${{{account}}}", (List<object?>)template.At("resources", stage, "options", "dependsOn")!);
        }

        // Destroying the stack must not reset the account-wide setting other stacks' stages rely on.
        Assert.Equal(true, template.At("resources", account, "options", "retainOnDelete"));
    }

    [Fact]
    public void A_stack_that_relies_on_an_existing_logging_role_sets_none()
    {
        var template = StackTemplate.FromStack(Load("dev", """{"ml-serving:apiGatewayAccountLogging":"existing"}""").Stack);

        Assert.Empty(ResourcesOf(template, AccountType));
        Assert.DoesNotContain(ResourcesOf(template, "aws:iam/role:Role"), r => r.Contains("logging", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_account_logging_mode_is_a_config_error_naming_the_key_and_the_choices()
    {
        var error = Assert.Throws<ConfigException>(() => Load("dev", """{"ml-serving:apiGatewayAccountLogging":"shared"}"""));

        Assert.Contains("config key 'ml-serving:apiGatewayAccountLogging' has value 'shared': expected one of manage, existing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_prod_budget_counts_only_costs_tagged_with_both_this_project_and_this_stack()
    {
        var template = StackTemplate.FromStack(Load("prod").Stack);

        // Values inside one TagKeyValue cost filter are OR'ed: project OR stack would count every other prod stack too.
        Assert.False(template.Has("resources", "cost-budget", "properties", "costFilters"));
        var ands = (List<object?>)template.Property("cost-budget", "filterExpression", "ands")!;
        Assert.Equal(2, ands.Count);
        Assert.Equal(("project", "ml-serving"), ((string?)ProgramValues.At(ands[0], "tags", "key"), (string?)ProgramValues.At(ands[0], "tags", "values", 0)));
        Assert.Equal(("stack", "prod"), ((string?)ProgramValues.At(ands[1], "tags", "key"), (string?)ProgramValues.At(ands[1], "tags", "values", 0)));
        Assert.All(ands, and => Assert.Single((List<object?>)ProgramValues.At(and, "tags", "values")!));
        Assert.Equal("UnblendedCost", template.Property("cost-budget", "metrics"));
    }

    [Fact]
    public void The_prod_anomaly_monitor_is_a_custom_tag_monitor_that_an_existing_services_monitor_does_not_block()
    {
        var template = StackTemplate.FromStack(Load("prod").Stack);

        var monitor = Assert.Single(ResourcesOf(template, "aws:costexplorer/anomalyMonitor:AnomalyMonitor"));
        Assert.Equal("CUSTOM", template.Property(monitor, "monitorType"));
        Assert.False(template.Has("resources", monitor, "properties", "monitorDimension"));
        Assert.Equal("""{"Tags":{"Key":"project","Values":["ml-serving"]}}""", template.Property(monitor, "monitorSpecification"));
    }

    [Fact]
    public void Prod_subscribes_to_an_existing_anomaly_monitor_when_its_arn_is_given()
    {
        const string arn = "arn:aws:ce::123456789012:anomalymonitor/0a1b2c3d-4e5f-6789-abcd-ef0123456789";

        var template = StackTemplate.FromStack(Load("prod", $$"""{"ml-serving:anomalyMonitorArn":"{{arn}}"}""").Stack);

        Assert.Empty(ResourcesOf(template, "aws:costexplorer/anomalyMonitor:AnomalyMonitor"));
        Assert.Equal(new List<object?> { arn }, template.Property("cost-anomaly-subscription", "monitorArnLists"));
    }

    [Fact]
    public void A_malformed_anomaly_monitor_arn_is_a_config_error()
    {
        var error = Assert.Throws<ConfigException>(() => Load("prod", """{"ml-serving:anomalyMonitorArn":"monitor-1"}"""));

        Assert.Contains("config key 'ml-serving:anomalyMonitorArn' has value 'monitor-1': expected", error.Message, StringComparison.Ordinal);
        Assert.Contains("arn:aws:ce::", error.Message, StringComparison.Ordinal);
    }
}
