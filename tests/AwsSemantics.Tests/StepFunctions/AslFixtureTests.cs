using System.Text.Json.Nodes;
using AwsSemantics.Tests.Catalog;

namespace AwsSemantics.Tests.StepFunctions;

/// <summary>asl-validator and the SDK catalog on deliberately broken JSONata state machines.</summary>
public class AslFixtureTests
{
    private static readonly JsonObject Broken =
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "StepFunctions", "Fixtures", "broken-state-machines.json")))!.AsObject();

    [Theory]
    [InlineData("missing-target", "MISSING_TRANSITION_TARGET")]
    [InlineData("broken-jsonata", "/States/Decide/Choices/0")]
    [InlineData("jsonpath-field-in-jsonata-state", "SCHEMA_VALIDATION_FAILED")]
    public void A_broken_definition_fails_validation(string machine, string error)
    {
        var results = AslCheck.Validate(AslCheck.Definitions(Broken, Unescape));

        Assert.Contains(results[machine], e => e.Contains(error, StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_sdk_services_and_actions_are_found_though_the_validator_accepts_their_arns()
    {
        var findings = PolicyCatalogCheck.CheckSdkIntegrations(Broken);

        Assert.Empty(AslCheck.Validate(AslCheck.Definitions(Broken, Unescape))["unknown-sdk-action"]);
        Assert.True(findings.Count == 3, string.Join(Environment.NewLine, findings));
        Assert.Contains(findings, f => f.Problem.Contains("service 'lambda' has no API action 'updateAliases'", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Problem.Contains("there is no AWS SDK service 'parameterstore'", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Problem.Contains("has no API action 'DescribeAlarms'", StringComparison.Ordinal)); // must be camelCase
    }

    /// <summary>Pulumi's <c>$$</c> escape, as the engine removes it; the fixtures have no interpolations.</summary>
    private static string? Unescape(string text) => text.Replace("$$", "$", StringComparison.Ordinal);
}
