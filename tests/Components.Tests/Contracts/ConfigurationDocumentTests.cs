using Infra.Components;
using Inference.Variants;

namespace Components.Tests.Contracts;

/// <summary>
/// The wire format of the JSON documents the components hand the function (TRAFFIC_SPLIT, ENSEMBLES, ROUTER), written
/// through the contract's DTOs (Inference.Contracts). The expected strings are literal on purpose: they are what
/// deployed functions read, so a change to a field name, the field order, the escaping or the unset fields shows here.
/// </summary>
public sealed class ConfigurationDocumentTests
{
    private static readonly TrafficSplitArgs EveryField = new()
    {
        Variants =
        [
            new ModelVariantArgs { Name = "a", Weight = 70 },
            new ModelVariantArgs { Name = "b", Weight = 20, ModelVersion = "1.1.0" },
            new ModelVariantArgs { Name = "c", Weight = 0, ModelDirectory = "models/c" },
            new ModelVariantArgs { Name = "legacy", Weight = 10, BackendUrl = "https://old.example.com/ml", BackendTimeout = TimeSpan.FromMilliseconds(2500), BackendVersion = "3.2.0" },
        ],
        StickyHeader = "x-client+id",
        Shadow = new ShadowArgs("c", 12.5),
    };

    [Fact]
    public void The_traffic_split_is_written_with_only_the_set_fields_in_the_functions_names()
    {
        Assert.Equal(
            """{"variants":[{"name":"a","weight":70},{"name":"b","weight":20,"modelVersion":"1.1.0"},{"name":"c","weight":0,"modelDir":"models/c"},"""
            + """{"name":"legacy","weight":10,"url":"https://old.example.com/ml","timeoutMs":2500,"version":"3.2.0"}],"stickyHeader":"x-client\u002Bid","shadow":{"variant":"c","percent":12.5}}""",
            TrafficSplitSettings.Json(EveryField));
        Assert.Equal("""{"variants":[{"name":"a","weight":100}]}""", TrafficSplitSettings.Json(new TrafficSplitArgs { Variants = [new ModelVariantArgs { Name = "a", Weight = 100 }] }));
    }

    [Fact]
    public void The_function_reads_the_traffic_split_the_components_write()
    {
        var split = TrafficSplit.Parse(TrafficSplitSettings.Json(EveryField));

        Assert.Equal(["a", "b", "c", "legacy"], split.Variants.Select(v => v.Name));
        Assert.Equal([VariantSource.Primary, VariantSource.RegistryVersion, VariantSource.ModelDirectory, VariantSource.HttpBackend], split.Variants.Select(v => v.Source));
        Assert.Equal("1.1.0", split.Variants[1].ModelVersion);
        Assert.Equal("models/c", split.Variants[2].ModelDirectory);
        Assert.Equal((new Uri("https://old.example.com/ml"), 2500, "3.2.0"), (split.Variants[3].Url, split.Variants[3].TimeoutMs, split.Variants[3].Version));
        Assert.Equal("x-client+id", split.StickyHeader);
        Assert.Equal(new ShadowSpec("c", 12.5), split.Shadow);
    }

    [Fact]
    public void The_ensembles_are_written_as_an_array_with_every_member_field()
    {
        var json = RouterFunctionSettings.Ensembles(
        [
            new EnsembleArgs { Name = "both", Combine = EnsembleCombination.Average, Members = [new EnsembleMemberArgs("a", 0.25), new EnsembleMemberArgs("b", 1) { Timeout = TimeSpan.FromMilliseconds(800) }] },
            new EnsembleArgs { Name = "vote", Members = [new EnsembleMemberArgs("a"), new EnsembleMemberArgs("b")] },
        ]);

        Assert.Equal(
            """[{"name":"both","combine":"average","members":[{"model":"a","weight":0.25,"timeoutMs":5000},{"model":"b","weight":1,"timeoutMs":800}]},"""
            + """{"name":"vote","combine":"vote","members":[{"model":"a","weight":1,"timeoutMs":5000},{"model":"b","weight":1,"timeoutMs":5000}]}]""",
            json);
        Assert.Null(RouterFunctionSettings.Ensembles([]));
    }

    [Fact]
    public void The_router_is_written_with_one_match_field_per_rule_and_the_default_only_when_set()
    {
        RequestRule[] rules = [RequestRule.ContentType("image/*", "a"), RequestRule.Header("x-task", "ocr", "b"), RequestRule.Parameter("task", "ocr", "both")];

        Assert.Equal(
            """{"name":"auto","rules":[{"contentType":"image/*","model":"a"},{"header":"x-task","equals":"ocr","model":"b"},{"parameter":"task","equals":"ocr","model":"both"}],"default":"a"}""",
            RouterFunctionSettings.Router("auto", rules, "a"));
        Assert.Equal("""{"name":"auto","rules":[{"contentType":"image/*","model":"a"}]}""", RouterFunctionSettings.Router("auto", rules[..1], null));
        Assert.Equal("""{"name":"auto","rules":[],"default":"a"}""", RouterFunctionSettings.Router("auto", [], "a"));
        Assert.Null(RouterFunctionSettings.Router("auto", [], null));
    }
}
