using Infra.Core;
using Infra.Policy;

namespace Components.Tests;

/// <summary>Runs the default policy pack over small stacks built from raw typed resources.</summary>
internal static class PolicyAssertions
{
    public static Stack NewStack() => new("proj", "dev");

    public static PolicyReport Evaluate(Stack stack) => PolicyPack.Default.Evaluate(stack);

    /// <summary>The names of the resources that the rule reports.</summary>
    public static List<string> Flagged(Stack stack, string ruleId) =>
        [.. Evaluate(stack).Findings.Where(f => f.RuleId == ruleId).Select(f => f.ResourceName)];

    /// <summary>Asserts that the rule reports exactly this resource, with its severity and a message naming the problem.</summary>
    public static PolicyFinding AssertFires(Stack stack, string ruleId, string resourceName, string messagePart)
    {
        var finding = Assert.Single(Evaluate(stack).Findings, f => f.RuleId == ruleId);
        Assert.Equal(resourceName, finding.ResourceName);
        Assert.Contains(messagePart, finding.Message, StringComparison.Ordinal);
        Assert.Equal(PolicyPack.Default.Rules.Single(r => r.Id == ruleId).Severity, finding.Severity);
        Assert.False(string.IsNullOrWhiteSpace(finding.Why));
        Assert.False(string.IsNullOrWhiteSpace(finding.Fix));
        return finding;
    }

    public static void AssertQuiet(Stack stack, string ruleId) => Assert.Empty(Flagged(stack, ruleId));
}
