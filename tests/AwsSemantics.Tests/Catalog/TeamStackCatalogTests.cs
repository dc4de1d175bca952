using AwsSemantics.Tests.Deployment;
using AwsSemantics.Tests.StepFunctions;

namespace AwsSemantics.Tests.Catalog;

/// <summary>Both team stacks, as deployed, against what AWS knows: IAM actions, condition keys and ARNs, SDK integrations, state machines.</summary>
[Collection(DeployedStacksCollection.Name)]
public sealed class TeamStackCatalogTests(DeployedStacks deployed)
{
    public static TheoryData<string> StackNames => [.. global::Stacks.TeamStacks.Known];

    [Theory]
    [MemberData(nameof(StackNames))]
    public void Every_policy_names_real_actions_condition_keys_and_resource_arns(string stack)
    {
        var program = ConcreteProgram.Of(deployed[stack]);
        var statements = ProgramPolicies.Statements(program);

        var findings = PolicyCatalogCheck.Check(program, ConcreteProgram.Final);

        Assert.True(statements.Count > 20, $"only {statements.Count} policy statements found");
        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    [Theory]
    [MemberData(nameof(StackNames))]
    public void Every_step_functions_sdk_integration_names_a_real_service_and_api_action(string stack)
    {
        var program = ConcreteProgram.Of(deployed[stack]);

        var findings = PolicyCatalogCheck.CheckSdkIntegrations(program);

        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    [Theory]
    [MemberData(nameof(StackNames))]
    public void Every_state_machine_definition_passes_asl_validator(string stack)
    {
        var definitions = AslCheck.Definitions(ConcreteProgram.Of(deployed[stack]), ConcreteProgram.Final);

        var results = AslCheck.Validate(definitions);

        Assert.NotEmpty(definitions);
        Assert.Equal(definitions.Count, results.Count);
        Assert.All(results, r => Assert.True(r.Value.Count == 0, $"{r.Key}: {string.Join(Environment.NewLine, r.Value)}"));
    }
}
