using System.Text;
using System.Text.Json;
using Inference.Protocol;

namespace Inference.Tests;

public sealed class JsonBodyTests
{
    [Theory]
    [InlineData("""{"model_name":"m","outputs":[]}""", "req-1", """{"model_name":"m","outputs":[],"id":"req-1"}""")]
    [InlineData("{}", "x", """{"id":"x"}""")]
    public void WithId_adds_the_id_as_the_last_property(string body, string id, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(JsonBody.WithId(Encoding.UTF8.GetBytes(body), id).Span));

    [Fact]
    public void WithId_escapes_the_id_exactly_as_the_writers_escape_strings()
    {
        const string id = "he said \"hi\" \\ ünï\n<tag>";
        var written = JsonBody.WriteObject(w => w.WriteString("id", id));

        var withId = JsonBody.WithId("{}"u8.ToArray(), id);

        Assert.Equal(Encoding.UTF8.GetString(written.Span), Encoding.UTF8.GetString(withId.Span));
        Assert.Equal(id, JsonDocument.Parse(withId).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public void WithId_refuses_a_body_that_is_not_an_object() =>
        Assert.Throws<ArgumentException>(() => JsonBody.WithId("[1]"u8.ToArray(), "x"));
}
