using Inference.Variants;

namespace Inference.Tests.Variants;

public sealed class TrafficSplitTests
{
    [Fact]
    public void A_split_with_every_kind_of_variant_and_a_shadow_is_read()
    {
        var split = TrafficSplit.Parse("""
            {"variants":[
              {"name":"stable","weight":70},
              {"name":"candidate","weight":20,"modelVersion":"1.1.0"},
              {"name":"folder","weight":0,"modelDir":"models/v2"},
              {"name":"legacy","weight":10,"url":"https://old.example.com/api","timeoutMs":2500,"version":"sagemaker-7"}],
             "stickyHeader":"X-Api-Key",
             "shadow":{"variant":"folder","percent":12.5}}
            """);

        Assert.Equal(["stable", "candidate", "folder", "legacy"], split.Variants.Select(v => v.Name));
        Assert.Equal([VariantSource.Primary, VariantSource.RegistryVersion, VariantSource.ModelDirectory, VariantSource.HttpBackend],
            split.Variants.Select(v => v.Source));
        Assert.Equal("1.1.0", split.Variants[1].ModelVersion);
        Assert.Equal(2500, split.Variants[3].TimeoutMs);
        Assert.Equal("sagemaker-7", split.Variants[3].Version);
        Assert.Equal("x-api-key", split.StickyHeader);
        Assert.Equal(new ShadowSpec("folder", 12.5), split.Shadow);
        Assert.Equal("stable", split.DefaultModelVariant.Name);
    }

    [Fact]
    public void A_backend_without_a_label_is_labelled_legacy_and_gets_the_default_timeout()
    {
        var split = TrafficSplit.Parse("""{"variants":[{"name":"old","weight":100,"url":"http://127.0.0.1:9/"},{"name":"new","weight":0}]}""");

        Assert.Equal("legacy", split.Variants[0].Version);
        Assert.Equal(TrafficSplit.DefaultBackendTimeoutMs, split.Variants[0].TimeoutMs);
        Assert.Equal("new", split.DefaultModelVariant.Name);
    }

    [Theory]
    [InlineData("""{"variants":[{"name":"a","weight":60},{"name":"b","weight":30,"modelVersion":"1.1.0"}]}""", "TRAFFIC_SPLIT.variants[].weight adds up to 90; allowed: weights (whole percentages) that add up to 100.")]
    [InlineData("""{"variants":[{"name":"a","weight":50},{"name":"a","weight":50,"modelVersion":"1.1.0"}]}""", "TRAFFIC_SPLIT.variants names 'a' twice")]
    [InlineData("""{"variants":[{"name":"a","weight":50,"modelVersion":"1.1.0"},{"name":"b","weight":50,"modelVersion":"1.1.0"}]}""", "TRAFFIC_SPLIT.variants[].modelVersion names '1.1.0' twice; allowed: distinct registry versions.")]
    [InlineData("""{"variants":[{"name":"a","weight":50},{"name":"b","weight":50}]}""", "more than one variant without modelVersion, modelDir or url")]
    [InlineData("""{"variants":[{"name":"a","weight":100,"url":"https://x.example.com"}]}""", "has only HTTP backends")]
    [InlineData("""{"variants":[{"name":"A!","weight":100}]}""", "TRAFFIC_SPLIT.variants[0].name is 'A!'")]
    [InlineData("""{"variants":[{"name":"a","weight":101}]}""", "TRAFFIC_SPLIT.variants[0].weight is 101; allowed: a whole number from 0 to 100.")]
    [InlineData("""{"variants":[{"name":"a","weight":100,"modelVersion":"v1"}]}""", "TRAFFIC_SPLIT.variants[0].modelVersion is 'v1'")]
    [InlineData("""{"variants":[{"name":"a","weight":100,"modelVersion":"1.0.0","modelDir":"m"}]}""", "sets more than one of modelVersion, modelDir and url")]
    [InlineData("""{"variants":[{"name":"a","weight":50},{"name":"b","weight":50,"url":"ftp://x"}]}""", "TRAFFIC_SPLIT.variants[1].url is 'ftp://x'")]
    [InlineData("""{"variants":[{"name":"a","weight":50},{"name":"b","weight":50,"url":"https://user:pw@x.example.com"}]}""", "without credentials")]
    [InlineData("""{"variants":[{"name":"a","weight":100,"version":"x"}]}""", "TRAFFIC_SPLIT.variants[0].version is 'x'; allowed: unset")]
    [InlineData("""{"variants":[{"name":"a","weight":100}],"shadow":{"variant":"b","percent":5}}""", "TRAFFIC_SPLIT.shadow.variant is 'b'; allowed: the name of one of the variants: a.")]
    [InlineData("""{"variants":[{"name":"a","weight":100}],"shadow":{"variant":"a","percent":150}}""", "TRAFFIC_SPLIT.shadow.percent is 150")]
    [InlineData("""{"variants":[{"name":"a","weight":100}],"stickyHeader":"bad header"}""", "TRAFFIC_SPLIT.stickyHeader is 'bad header'")]
    [InlineData("""{"variants":[{"name":"a","weight":100,"wieght":1}]}""", "TRAFFIC_SPLIT.variants[0].wieght is not a known field")]
    [InlineData("""{"variants":[]}""", "TRAFFIC_SPLIT.variants has 0 entries")]
    [InlineData("""[1]""", "TRAFFIC_SPLIT is a JSON Array")]
    [InlineData("""{"variants":""", "TRAFFIC_SPLIT is not JSON")]
    public void Each_bad_split_names_the_variable_the_field_and_what_is_allowed(string json, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => TrafficSplit.Parse(json));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
