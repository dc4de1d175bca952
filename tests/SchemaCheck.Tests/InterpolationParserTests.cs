using Infra.Testing.Programs;

namespace SchemaCheck.Tests;

public class InterpolationParserTests
{
    private static readonly SourceMark Mark = new(1, 1);

    [Fact]
    public void Text_without_references_is_a_plain_string()
    {
        Assert.Equal(new StringExpr("models-", Mark), InterpolationParser.Parse("models-", Mark));
    }

    [Fact]
    public void A_string_that_is_exactly_one_reference_keeps_its_type_as_a_symbol()
    {
        var symbol = Assert.IsType<SymbolExpr>(InterpolationParser.Parse("${fn-role.arn}", Mark));
        Assert.Equal("fn-role", symbol.Access.RootName);
        Assert.Equal([new PropertyName("fn-role"), new PropertyName("arn")], symbol.Access.Accessors);
    }

    [Fact]
    public void Indexes_and_quoted_keys_are_accessors()
    {
        var symbol = Assert.IsType<SymbolExpr>(InterpolationParser.Parse("${res.rules[0][\"a \\\"b\\\"\"].key}", Mark));
        Assert.Equal(
            [new PropertyName("res"), new PropertyName("rules"), new PropertyIndex(0), new PropertyKey("a \"b\""), new PropertyName("key")],
            symbol.Access.Accessors);
    }

    [Fact]
    public void Mixed_text_and_references_become_parts()
    {
        var interpolation = Assert.IsType<InterpolateExpr>(InterpolationParser.Parse("arn:aws:iam::${id.accountId}:root", Mark));
        Assert.Equal(2, interpolation.Parts.Count);
        Assert.Equal("arn:aws:iam::", interpolation.Parts[0].Text);
        Assert.Equal("id.accountId", interpolation.Parts[0].Access!.ToString());
        Assert.Equal(":root", interpolation.Parts[1].Text);
        Assert.Null(interpolation.Parts[1].Access);
    }

    [Theory]
    [InlineData("$${literal}", "${literal}")]
    [InlineData("cost: $$5", "cost: $5")]
    [InlineData("a $ b", "a $ b")]
    public void Double_dollar_is_a_literal_dollar(string yaml, string text)
    {
        Assert.Equal(new StringExpr(text, Mark), InterpolationParser.Parse(yaml, Mark));
    }

    [Theory]
    [InlineData("${unterminated", "unterminated reference")]
    [InlineData("${}", "empty reference")]
    [InlineData("${[0]}", "must start with a name")]
    [InlineData("${a[x]}", "invalid list index")]
    public void Malformed_references_are_rejected_with_the_reason(string yaml, string reason)
    {
        var error = Assert.Throws<ProgramFormatException>(() => InterpolationParser.Parse(yaml, Mark));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
