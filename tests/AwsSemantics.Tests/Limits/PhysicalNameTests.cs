using Infra.Core;

namespace AwsSemantics.Tests.Limits;

/// <summary>The components' naming helper against the documented name rules (<see cref="NameRules"/>).</summary>
public sealed class PhysicalNameTests
{
    private static readonly PhysicalNameRule Dashboard = PhysicalNameRule.Of(255, "-_");

    [Fact]
    public void A_name_aws_accepts_is_kept_byte_for_byte()
    {
        Assert.Equal("ml-serving-prod-embed-monitoring", PhysicalName.Join(Dashboard, "", '-', "ml-serving", "prod", "embed-monitoring"));
        Assert.Equal("alias/ml-serving-dev-models", PhysicalName.Join(PhysicalNameRule.Of(256, "/_-"), "alias/", '-', "ml-serving", "dev", "models"));
    }

    [Fact]
    public void A_refused_character_is_replaced_and_the_name_keeps_a_hash_of_the_original()
    {
        var dotted = PhysicalName.Join(Dashboard, "", '-', "ml-serving", "team.a", "embed");
        var hyphenated = PhysicalName.Join(Dashboard, "", '-', "ml-serving", "team-a", "embed");

        Assert.StartsWith("ml-serving-team-a-embed-", dotted, StringComparison.Ordinal);
        Assert.Equal("ml-serving-team-a-embed".Length + 1 + PhysicalName.HashLength, dotted.Length);
        Assert.Empty(NameRules.For("aws:cloudwatch/dashboard:Dashboard")!.Problems(dotted));
        Assert.Equal("ml-serving-team-a-embed", hyphenated);
        Assert.Equal(dotted, PhysicalName.Join(Dashboard, "", '-', "ml-serving", "team.a", "embed"));
    }

    [Fact]
    public void A_name_over_the_limit_is_cut_deterministically_and_two_long_names_stay_distinct()
    {
        var rule = NameRules.For("aws:kms/alias:Alias")!;
        var kms = PhysicalNameRule.Of(rule.MaxLength, "/_-");
        var stack = new string('s', 100);

        var first = PhysicalName.Join(kms, "alias/", '-', new string('p', 100), stack, new string('a', 60));
        var second = PhysicalName.Join(kms, "alias/", '-', new string('p', 100), stack, new string('a', 59) + "b");

        Assert.Equal(rule.MaxLength, first.Length);
        Assert.Empty(rule.Problems(first));
        Assert.NotEqual(first, second);
        Assert.Equal(first[..^PhysicalName.HashLength], second[..^PhysicalName.HashLength]);
        Assert.Equal(first, PhysicalName.Join(kms, "alias/", '-', new string('p', 100), stack, new string('a', 60)));
    }
}
