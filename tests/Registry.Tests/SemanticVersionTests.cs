using Inference.Contracts;

namespace Registry.Tests;

public sealed class SemanticVersionTests
{
    [Theory]
    [InlineData("0.0.0")]
    [InlineData("1.2.3")]
    [InlineData("10.20.30")]
    [InlineData("1.0.0-alpha")]
    [InlineData("1.0.0-alpha.1")]
    [InlineData("1.0.0-0.3.7")]
    [InlineData("1.0.0-x.7.z.92")]
    [InlineData("1.0.0-x-y-z.--")]
    [InlineData("1.0.0+20130313144700")]
    [InlineData("1.0.0-beta+exp.sha.5114f85")]
    [InlineData("1.0.0+21AF26D3----117B344092BD")]
    [InlineData("1.0.0+001")] // leading zeros are allowed in build identifiers
    [InlineData("99999999999999999999999.999999999999999999.99999999999999999")]
    public void Valid_versions_are_accepted(string text)
    {
        Assert.True(SemanticVersion.TryParse(text, out var version));
        Assert.Equal(text, version.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("1.2")]
    [InlineData("1.2.3.4")]
    [InlineData("01.1.1")]
    [InlineData("1.01.1")]
    [InlineData("1.1.01")]
    [InlineData("v1.2.3")]
    [InlineData("1.2.3-")]
    [InlineData("1.2.3+")]
    [InlineData("1.2.3-0123")] // numeric pre-release identifiers have no leading zeros
    [InlineData("1.2.3-alpha..1")]
    [InlineData("1.2.3-alpha_beta")]
    [InlineData("1.2.3+build..1")]
    [InlineData("1.2.3-beta+")]
    [InlineData("1.2.3 ")]
    [InlineData("-1.2.3")]
    [InlineData("1.2.3+a+b")]
    [InlineData("1.2.ä")]
    public void Invalid_versions_are_refused(string text)
    {
        Assert.False(SemanticVersion.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => SemanticVersion.Parse(text));
        Assert.Contains("SemVer 2.0.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Versions_longer_than_the_limit_are_refused()
    {
        Assert.False(SemanticVersion.IsValid("1.0.0-" + new string('a', SemanticVersion.MaxLength)));
    }

    [Fact]
    public void Ordering_follows_the_precedence_rules_of_the_spec()
    {
        // The spec's own example chain, plus numbers compared as numbers and build metadata ignored.
        string[] ascending = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "1.10.0", "2.0.0"];
        var shuffled = ascending.Reverse().Select(SemanticVersion.Parse).ToList();
        shuffled.Sort();
        Assert.Equal(ascending, shuffled.Select(v => v.Text));
        Assert.Equal(0, SemanticVersion.Parse("1.0.0+a").CompareTo(SemanticVersion.Parse("1.0.0+b")));
        Assert.True(SemanticVersion.Parse("10.0.0").CompareTo(SemanticVersion.Parse("9.99.99")) > 0);
    }
}
