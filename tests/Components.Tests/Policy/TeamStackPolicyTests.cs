using Infra.Core;
using Infra.Hosting;
using Infra.Policy;

namespace Components.Tests;

/// <summary>The repository's own stacks pass the default policy pack without one error (nor warning).</summary>
public class TeamStackPolicyTests
{
    private static PolicyReport Report(string stackName)
    {
        var layout = ProjectLayout.Find(TeamStackTests.RepositoryRoot());
        var loader = new StackLoader(Stacks.TeamStacks.Define, layout, _ => null, "dev");
        var (stack, _) = loader.Synthesize(stackName);
        return PolicyPack.Default.Evaluate(stack);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void The_team_stack_has_no_findings_and_needs_no_suppressions(string stackName)
    {
        var report = Report(stackName);

        Assert.True(report.Findings.Count == 0, string.Join(Environment.NewLine, report.Findings.Select(f => f.Describe())));
        Assert.Empty(report.Suppressions);
    }
}
