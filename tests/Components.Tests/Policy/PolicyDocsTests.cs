using System.Text.RegularExpressions;
using Infra.Policy;

namespace Components.Tests;

/// <summary>docs/reliability.md lists exactly the default pack's rules, with their severities.</summary>
public partial class PolicyDocsTests
{
    [Fact]
    public void The_rule_table_matches_the_default_pack()
    {
        var docs = File.ReadAllText(Path.Combine(TeamStackTests.RepositoryRoot(), "docs", "reliability.md"));
        var documented = RuleRow().Matches(docs).ToDictionary(m => m.Groups["id"].Value, m => m.Groups["severity"].Value, StringComparer.Ordinal);

        var rules = PolicyPack.Default.Rules.ToDictionary(r => r.Id, r => r.Severity.ToString().ToLowerInvariant(), StringComparer.Ordinal);

        Assert.Equal(rules.OrderBy(r => r.Key, StringComparer.Ordinal), documented.OrderBy(r => r.Key, StringComparer.Ordinal));
    }

    [GeneratedRegex(@"^\| `(?<id>[A-Z0-9-]+)` \| (?<severity>error|warning) \|", RegexOptions.Multiline)]
    private static partial Regex RuleRow();
}
