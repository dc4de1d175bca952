using Infra.Local;

namespace Local.Tests;

/// <summary>The escaping serve applies to every line it prints that carries a client's or a file's text.</summary>
public sealed class PrintableTextTests
{
    [Theory]
    [InlineData("/v2/models/resnet18/predict", "/v2/models/resnet18/predict")]
    [InlineData("modèle/画像.png", "modèle/画像.png")]
    [InlineData("a\r\nb\tc", @"a\r\nb\tc")]
    [InlineData("\u001b]0;title\u0007", @"\x1b]0;title\x07")]
    [InlineData("\u0000\u007f\u009b", @"\x00\x7f\x9b")]
    [InlineData("a\u2028b\u2029c", @"a\u2028b\u2029c")]
    [InlineData("\u202etxt.exe\u2066\u200f\u061c", @"\u202etxt.exe\u2066\u200f\u061c")]
    [InlineData(@"C:\x1b", @"C:\\x1b")]
    public void Control_line_breaking_and_bidi_characters_are_written_as_visible_escapes(string text, string printed) =>
        Assert.Equal(printed, PrintableText.Escape(text));

    [Fact]
    public void Nothing_becomes_empty() => Assert.Equal("", PrintableText.Escape(null));
}
