using Inference.Ensembles;
using Inference.Routing;

namespace Inference.Tests.Ensembles;

/// <summary>ENSEMBLES and ROUTER: every bad value fails init with a message naming the variable, the place, the value and what is allowed.</summary>
public sealed class CompositionConfigTests
{
    [Theory]
    [InlineData("{", "ENSEMBLES is not valid JSON")]
    [InlineData("""{"name":"e"}""", "expected an array")]
    [InlineData("""[{"name":"e","combine":"vote","members":[{"model":"cls-a"}]}]""", "ensemble 'e' has 1 member(s); an ensemble needs at least 2")]
    [InlineData("""[{"name":"e","combine":"mean","members":[]}]""", "combine is 'mean'; allowed: vote (classification), average")]
    [InlineData("""[{"name":"e","combine":"average","members":[{"model":"nope"},{"model":"cls-a"}]}]""", "model 'nope' is not served by this function; served: cls-a, cls-b, cls-c")]
    [InlineData("""[{"name":"e","combine":"average","members":[{"model":"cls-a","weight":0},{"model":"cls-b"}]}]""", "weight is 0; allowed: a number above 0")]
    [InlineData("""[{"name":"e","combine":"average","members":[{"model":"cls-a","timeoutMs":0},{"model":"cls-b"}]}]""", "timeoutMs is 0; allowed: a whole number of milliseconds from 1")]
    [InlineData("""[{"name":"e","combine":"average","members":[{"model":"cls-a"},{"model":"cls-a"}]}]""", "lists member 'cls-a' twice")]
    [InlineData("""[{"name":"cls-a","combine":"average","members":[{"model":"cls-b"},{"model":"cls-c"}]}]""", "has the name of a served model")]
    [InlineData("""[{"name":"e","combine":"vote","members":[{"model":"cls-a"},{"model":"reg-a"}]}]""", "member 'reg-a' is not a classification model")]
    [InlineData("""[{"name":"e","combine":"vote","members":[{"model":"cls-a"},{"model":"cls-b"}],"extra":1}]""", "unknown field 'extra'")]
    public async Task A_bad_ensemble_is_refused_at_init_with_what_is_allowed(string json, string expected)
    {
        var served = await ServedAsync();
        var error = Assert.Throws<InvalidOperationException>(() => EnsemblesVariable.Parse(json, served));
        Assert.StartsWith("ENSEMBLES ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"auto","rules":[]}""", "has no rules and no default")]
    [InlineData("""{"name":"auto","rules":[{"model":"cls-a"}]}""", "rules[0] has none of contentType, header, parameter")]
    [InlineData("""{"name":"auto","rules":[{"contentType":"image/*","header":"x","equals":"y","model":"cls-a"}]}""", "has contentType and header")]
    [InlineData("""{"name":"auto","rules":[{"contentType":"image","model":"cls-a"}]}""", "rules[0].contentType is 'image'; allowed: a media type")]
    [InlineData("""{"name":"auto","rules":[{"contentType":"*/*","model":"cls-a"}]}""", "contentType is '*/*'")]
    [InlineData("""{"name":"auto","rules":[{"header":"x-task","model":"cls-a"}]}""", "rules[0].equals is missing")]
    [InlineData("""{"name":"auto","rules":[{"parameter":"task","equals":"a","model":"gone"}]}""", "rules[0].model is 'gone', which this function does not serve; allowed: cls-a, cls-b, cls-c, ens")]
    [InlineData("""{"name":"cls-a","rules":[],"default":"cls-b"}""", "name 'cls-a' is the name of a served model or ensemble")]
    [InlineData("""{"name":"auto","rules":[],"default":"x"}""", "default is 'x'")]
    public void A_bad_router_is_refused_at_init_with_what_is_allowed(string json, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => RouterVariable.Parse(json, ["cls-a", "cls-b", "cls-c", "ens"]));
        Assert.StartsWith("ROUTER ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_router_config_is_read_in_order_with_its_default_and_defaults_apply_to_members()
    {
        var router = RouterVariable.Parse("""{"name":"auto","rules":[{"contentType":"Image/*","model":"cls-a"},{"header":"x-task","equals":"b","model":"cls-b"}],"default":"ens"}""",
            ["cls-a", "cls-b", "ens"])!;
        Assert.Equal([new ContentTypeRule("image/*", "cls-a"), new HeaderRule("x-task", "b", "cls-b")], router.Rules);
        Assert.Equal("ens", router.Default);
        Assert.Null(RouterVariable.Parse(" ", ["cls-a"]));

        var ensemble = Assert.Single(EnsemblesVariable.Parse("""[{"name":"e","combine":"vote","members":[{"model":"cls-a"},{"model":"cls-b","weight":2.5,"timeoutMs":80}]}]""", await ServedAsync()));
        Assert.Equal([new EnsembleMember("cls-a", 1, TimeSpan.FromSeconds(5)), new EnsembleMember("cls-b", 2.5, TimeSpan.FromMilliseconds(80))], ensemble.Members);
    }

    private static async Task<Dictionary<string, Contracts.ModelDefinition>> ServedAsync()
    {
        using var stack = await EnsembleStack.CreateAsync(ensembles: null, router: null);
        var models = ((Service.ModelService)stack.Service).Models.Definitions.Where(d => d.Name is "cls-a" or "cls-b" or "cls-c" or "reg-a");
        return models.ToDictionary(d => d.Name, StringComparer.Ordinal);
    }
}
