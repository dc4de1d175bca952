using System.Globalization;
using System.Text.RegularExpressions;
using Infra.Components;

namespace Components.Tests;

public class GreaterThanPatternTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(99)]
    [InlineData(100)]
    [InlineData(899)]
    [InlineData(1999)]
    [InlineData(8192)]
    public void Matches_exactly_the_integers_above_the_bound_for_every_value_up_to_three_times_it(long bound)
    {
        var regex = new Regex(GreaterThanPattern.For(bound));

        for (long n = 0; n <= bound * 3 + 20; n++)
        {
            Assert.True(regex.IsMatch(n.ToString(CultureInfo.InvariantCulture)) == n > bound, $"bound {bound}, value {n}");
        }
    }

    [Theory]
    [InlineData(4_194_304)]
    [InlineData(10_485_760)]
    [InlineData(6_000_000)]
    public void Matches_exactly_the_integers_above_large_bounds_on_random_and_edge_values(long bound)
    {
        var regex = new Regex(GreaterThanPattern.For(bound));
        var random = new Random(42);
        var values = Enumerable.Range(0, 20_000).Select(_ => random.NextInt64(0, bound * 20))
            .Concat([0, 1, bound - 1, bound, bound + 1, bound * 10, bound * 10 + 1, 99_999_999, 100_000_000, long.MaxValue]);

        foreach (var n in values)
        {
            Assert.True(regex.IsMatch(n.ToString(CultureInfo.InvariantCulture)) == n > bound, $"bound {bound}, value {n}");
        }
    }

    [Fact]
    public void Leading_zeros_do_not_change_the_value_and_non_numbers_never_match()
    {
        var regex = new Regex(GreaterThanPattern.For(8192));

        Assert.Matches(regex, "0008193");
        Assert.DoesNotMatch(regex, "0008192");
        Assert.DoesNotMatch(regex, "");
        Assert.DoesNotMatch(regex, "9999x");
        Assert.DoesNotMatch(regex, "-99999");
        Assert.DoesNotMatch(regex, "10000 ");
    }

    [Fact]
    public void The_pattern_for_the_api_gateway_maximum_fits_the_waf_regex_length_limit()
    {
        Assert.InRange(GreaterThanPattern.For(10 * 1024 * 1024).Length, 1, 512);
    }
}
