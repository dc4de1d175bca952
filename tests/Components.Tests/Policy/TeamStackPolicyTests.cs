using Infra.Hosting;
using Infra.Policy;

namespace Components.Tests;

/// <summary>The repository's own stacks pass the default policy pack without one error.</summary>
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
    public void The_team_stack_has_no_error_findings(string stackName)
    {
        var report = Report(stackName);

        Assert.True(!report.HasErrors, string.Join(Environment.NewLine, report.Errors.Select(f => f.Describe())));
    }
}
