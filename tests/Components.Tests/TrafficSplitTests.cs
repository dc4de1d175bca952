using Infra.Components;
using Infra.Core;
using Infra.Hosting;
using Infra.Testing;

namespace Components.Tests;

/// <summary>A/B variants, a legacy backend and shadow traffic on the API patterns: the function's variable, its read scope, validation, the dashboard.</summary>
public sealed class TrafficSplitTests
{
    private static readonly CodeDirectory Code = new("fn", "/nonexistent");

    private static RestInferenceApiArgs Args(TrafficSplitArgs split, bool registry = true)
    {
        var stack = new Stack("proj", "dev");
        return new RestInferenceApiArgs
        {
            Function = registry ? new InferenceFunctionArgs { Code = Code, ModelBucket = new EncryptedBucket(stack, "models") } : new InferenceFunctionArgs { Code = Code },
            ModelName = "resnet18",
            ModelVersion = "1.0.0",
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 10, BurstLimit = 20 }], Clients = [new ApiClient("acme", "standard")] },
            TrafficSplit = split,
        };
    }

    private static readonly TrafficSplitArgs AbWithShadow = new()
    {
        Variants =
        [
            new ModelVariantArgs { Name = "a", Weight = 90 },
            new ModelVariantArgs { Name = "b", Weight = 10, ModelVersion = "1.1.0" },
            new ModelVariantArgs { Name = "next", Weight = 0, ModelVersion = "2.0.0-rc.1" },
        ],
        StickyHeader = "x-api-key",
        Shadow = new ShadowArgs("next", 25),
    };

    private static StackTemplate SynthApi(RestInferenceApiArgs args)
    {
        var stack = ((EncryptedBucket?)args.Function.ModelBucket)?.Stack ?? new Stack("proj", "dev");
        _ = new RestInferenceApi(stack, "embed", args);
        return StackTemplate.FromStack(stack);
    }

    [Fact]
    public void The_function_gets_the_split_as_TRAFFIC_SPLIT_and_its_role_reads_exactly_the_three_registry_folders()
    {
        var template = SynthApi(Args(AbWithShadow));

        var json = (string)template.Property("embed-function-function", "environment", "variables", "TRAFFIC_SPLIT")!;
        Assert.Equal("""{"variants":[{"name":"a","weight":90},{"name":"b","weight":10,"modelVersion":"1.1.0"},{"name":"next","weight":0,"modelVersion":"2.0.0-rc.1"}],"stickyHeader":"x-api-key","shadow":{"variant":"next","percent":25}}""", json);
        Assert.Equal("1.0.0", template.Property("embed-function-function", "environment", "variables", "MODEL_VERSION"));
        var statements = (List<object?>)template.Property("embed-function-role-policy", "policy", "fn::toJSON", "Statement")!;
        var read = statements.Single(s => (string?)ProgramValues.At(s, "Sid") == "ReadModel");
        Assert.Equal(
            ["${models-bucket.arn}/models/resnet18/1.0.0/*", "${models-bucket.arn}/models/resnet18/1.1.0/*", "${models-bucket.arn}/models/resnet18/2.0.0-rc.1/*"],
            ((List<object?>)ProgramValues.At(read, "Resource")!).Cast<string>());
    }

    [Fact]
    public void The_dashboard_shows_the_variants_side_by_side_and_the_shadow_candidates_agreement()
    {
        var template = SynthApi(Args(AbWithShadow));
        var widgets = (List<object?>)template.Property("embed-monitoring-dashboard", "dashboardBody", "fn::toJSON", "widgets")!;
        object? Titled(string title) => widgets.Single(w => (string?)ProgramValues.At(w, "properties", "title") == title);

        var latency = (List<object?>)ProgramValues.At(Titled("Latency p95 by variant (ms)"), "properties", "metrics")!;
        Assert.Equal(["a", "b", "next"], latency.Select(m => (string)ProgramValues.At(m, 5)!));
        Assert.All(latency, m => Assert.Equal(("ServerlessInference", "Latency", "Model", "resnet18", "Variant"),
            ((string)ProgramValues.At(m, 0)!, (string)ProgramValues.At(m, 1)!, (string)ProgramValues.At(m, 2)!, (string)ProgramValues.At(m, 3)!, (string)ProgramValues.At(m, 4)!)));
        Assert.Equal(3, ((List<object?>)ProgramValues.At(Titled("Predictions by variant"), "properties", "metrics")!).Count);
        Assert.Contains("MetricName=\"Errors\" Model=\"resnet18\"", (string)ProgramValues.At(Titled("Errors by variant and code"), "properties", "metrics", 0, 0, "expression")!, StringComparison.Ordinal);
        var agreement = (List<object?>)ProgramValues.At(Titled("Shadow 'next': agreement with the primary (top-1 share, mean cosine)"), "properties", "metrics")!;
        Assert.Equal(["ShadowTop1Match", "ShadowCosine"], agreement.Select(m => (string)ProgramValues.At(m, 1)!));
        Assert.All(agreement, m => Assert.Equal("next", ProgramValues.At(m, 5)));
    }

    [Fact]
    public void A_legacy_backend_is_one_more_variant()
    {
        var split = new TrafficSplitArgs
        {
            Variants = [new ModelVariantArgs { Name = "legacy", Weight = 75, BackendUrl = "https://models.internal.example.com/api", BackendTimeout = TimeSpan.FromMilliseconds(3000) },
                        new ModelVariantArgs { Name = "serverless", Weight = 25 }],
        };

        var json = (string)SynthApi(Args(split, registry: false)).Property("embed-function-function", "environment", "variables", "TRAFFIC_SPLIT")!;

        Assert.Equal("""{"variants":[{"name":"legacy","weight":75,"url":"https://models.internal.example.com/api","timeoutMs":3000,"version":"legacy"},{"name":"serverless","weight":25}]}""", json);
    }

    public static TheoryData<TrafficSplitArgs, bool, string> BadSplits => new()
    {
        { new() { Variants = [new() { Name = "a", Weight = 60 }, new() { Name = "b", Weight = 30, ModelVersion = "1.1.0" }] }, true,
            "TrafficSplit.Variants[].Weight = '60 + 30' is invalid: expected weights (whole percent) that add up to 100" },
        { new() { Variants = [new() { Name = "a", Weight = 50 }, new() { Name = "a", Weight = 50, ModelVersion = "1.1.0" }] }, true,
            "TrafficSplit.Variants[].Name = 'a, a' is invalid: expected distinct names" },
        { new() { Variants = [new() { Name = "a", Weight = 50 }, new() { Name = "b", Weight = 50, ModelVersion = "1.0.0" }] }, true,
            "TrafficSplit.Variants[].ModelVersion = '1.0.0' is invalid: expected registry versions distinct from each other and from the pattern's ModelVersion '1.0.0'" },
        { new() { Variants = [new() { Name = "a", Weight = 50 }, new() { Name = "b", Weight = 50, ModelVersion = "1.1.0" }] }, false,
            "TrafficSplit.Variants[1].ModelVersion = '1.1.0' is invalid: expected unset unless the function serves the model registry" },
        { new() { Variants = [new() { Name = "a", Weight = 50 }, new() { Name = "b", Weight = 50 }] }, false,
            "at most one variant that is the function's own model" },
        { new() { Variants = [new() { Name = "a", Weight = 50 }, new() { Name = "old", Weight = 50, BackendUrl = "http://models.example.com" }] }, false,
            "TrafficSplit.Variants[1].BackendUrl = 'http://models.example.com' is invalid: expected an absolute https URL" },
        { new() { Variants = [new() { Name = "a", Weight = 50 }, new() { Name = "old", Weight = 50, BackendUrl = "https://u:p@models.example.com" }] }, false,
            "without credentials" },
        { new() { Variants = [new() { Name = "a", Weight = 50 }, new() { Name = "old", Weight = 50, BackendUrl = "https://x.example.com", BackendTimeout = TimeSpan.FromMilliseconds(60_000) }] }, false,
            "TrafficSplit.Variants[1].BackendTimeout = 1 minute is invalid: expected a whole number of milliseconds from 1 to 29000" },
        { new() { Variants = [new() { Name = "A", Weight = 50 }, new() { Name = "b", Weight = 50, ModelDirectory = "../up" }] }, false,
            "TrafficSplit.Variants[0].Name = 'A' is invalid" },
        { new() { Variants = [new() { Name = "a", Weight = 50 }, new() { Name = "b", Weight = 50, ModelDirectory = "../up" }] }, false,
            "TrafficSplit.Variants[1].ModelDirectory = '../up' is invalid" },
        { new() { Variants = [new() { Name = "a", Weight = 100 }, new() { Name = "b", Weight = 0, ModelDirectory = "m" }], Shadow = new ShadowArgs("c", 5) }, false,
            "TrafficSplit.Shadow.Variant = 'c' is invalid: expected the name of one of the variants: a, b" },
        { new() { Variants = [new() { Name = "a", Weight = 100 }, new() { Name = "b", Weight = 0, ModelDirectory = "m" }], StickyHeader = "x api key" }, false,
            "TrafficSplit.StickyHeader = 'x api key' is invalid" },
        { new() { Variants = [new() { Name = "a", Weight = 100 }] }, false, "TrafficSplit.Variants = '1 variant(s)' is invalid: expected 2 to 8 variants" },
    };

    [Theory]
    [MemberData(nameof(BadSplits))]
    public void A_bad_split_names_the_component_the_key_the_value_and_what_is_allowed_and_adds_no_resources(TrafficSplitArgs split, bool registry, string message)
    {
        var args = Args(split, registry);
        var stack = ((EncryptedBucket?)args.Function.ModelBucket)?.Stack ?? new Stack("proj", "dev");
        var before = stack.Resources.Count;

        var error = Assert.Throws<SynthesisException>(() => new RestInferenceApi(stack, "embed", args));

        Assert.Contains("embed", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, stack.Resources.Count);
    }
}
