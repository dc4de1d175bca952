namespace AwsSemantics.Tests.Limits;

/// <summary>Stacks with the longest names Pulumi accepts: every physical name must still be one AWS accepts.</summary>
public sealed class LongNameTests
{
    [Fact]
    public void Every_physical_name_of_every_component_is_one_aws_accepts_with_the_longest_project_stack_and_component_names()
    {
        var stacks = LongNameStacks.All();

        var findings = stacks.SelectMany(NameCheck.Check).ToList();

        Assert.All(stacks, s => Assert.True(NameCheck.Names(s).Count > 60, $"{s}: only {NameCheck.Names(s).Count} named resources"));
        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }
}
