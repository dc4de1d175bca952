using AwsSemantics.Tests.Deployment;

namespace AwsSemantics.Tests.Limits;

/// <summary>Both team stacks' physical names as deployed against the documented name rules, and against each other.</summary>
[Collection(DeployedStacksCollection.Name)]
public sealed class TeamStackNameTests(DeployedStacks deployed)
{
    public static TheoryData<string> StackNames => [.. global::Stacks.TeamStacks.Known];

    [Theory]
    [MemberData(nameof(StackNames))]
    public void Every_physical_name_is_one_aws_accepts(string stack)
    {
        var names = NameCheck.Names(deployed[stack]);

        var findings = NameCheck.Check(deployed[stack]);

        Assert.True(names.Count > 30, $"only {names.Count} named resources found");
        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    [Fact]
    public void No_fixed_name_is_claimed_twice_within_or_across_the_stacks_in_one_account()
    {
        // One deployment of each stack lives in the account at a time: its stack-file form (a variant, such as a pinned
        // modelVersion, replaces it rather than standing beside it).
        var coexisting = deployed.Stacks.Where(s => s.Variant is null).ToList();
        var findings = NameCheck.Collisions(coexisting);

        Assert.Equal(["dev", "prod"], coexisting.Select(s => s.Name).Order());
        Assert.Contains(coexisting.SelectMany(NameCheck.Names), n => n.Fixed);
        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    [Fact]
    public void A_name_over_its_limit_or_with_a_forbidden_character_is_a_finding()
    {
        var queue = NameRules.For("aws:sqs/queue:Queue")!;
        var dashboard = NameRules.For("aws:cloudwatch/dashboard:Dashboard")!;
        var alias = NameRules.For("aws:kms/alias:Alias")!;

        Assert.Single(queue.Problems(new string('q', 81)));
        Assert.Empty(queue.Problems(new string('q', 75) + ".fifo"));
        Assert.Single(dashboard.Problems("ml-serving-dev.eu-embed"));
        Assert.Single(alias.Problems("alias/aws/ml-serving"));
    }
}
