using System.Text.Json;
using Inference.Service;
using Inference.Variants;

namespace Inference.Tests.Variants;

/// <summary>
/// A/B, shadow and migration through the real composition root and two real ppocr-cls variants: "a" is the function's
/// model (2.0.0), "b" a bundled folder with version 2.1.0 whose labels are swapped, so its top-1 label always differs.
/// </summary>
public sealed class VariantRouterTests : IDisposable
{
    private const string Predict = "/v2/models/ppocr-cls/predict";
    private readonly TempDirectory _temp = new();
    private readonly StringWriter _log = new();
    private readonly string _primary;
    private readonly string _swapped;
    private readonly string _predictionsLog;

    public VariantRouterTests()
    {
        _primary = _temp.CopyModel("ppocr-cls", "a");
        _swapped = _temp.CopyModel("ppocr-cls", "b");
        var config = System.IO.Path.Combine(_swapped, "model.json");
        File.WriteAllText(config, File.ReadAllText(config)
            .Replace("\"version\": \"2.0.0\"", "\"version\": \"2.1.0\"", StringComparison.Ordinal)
            .Replace("\"labels\": [\"0\", \"180\"]", "\"labels\": [\"180\", \"0\"]", StringComparison.Ordinal));
        _predictionsLog = System.IO.Path.Combine(_temp.Path, "predictions.jsonl");
    }

    public void Dispose() => _temp.Dispose();

    private Task<IInferenceService> ServiceAsync(string split, Func<double>? random = null) => FunctionComposition.CreateAsync(name => name switch
    {
        "MODEL_DIR" => _primary,
        "ORT_INTRA_OP_THREADS" => "1",
        "PREDICTIONS_LOG_FILE" => _predictionsLog,
        TrafficSplit.VariableName => split.Replace("{swapped}", _swapped, StringComparison.Ordinal),
        _ => null,
    }, TextWriter.Synchronized(_log), random: random ?? new Random(7).NextDouble);

    private static InferenceRequest Image(string? apiKey = null)
    {
        var request = Requests.Post(Predict, TestImages.TextLine("upright text", upsideDown: false), "image/png");
        if (apiKey is not null)
        {
            ((Dictionary<string, string>)request.Headers)["x-api-key"] = apiKey;
        }

        return request;
    }

    private JsonElement[] Lines(string message) => [.. _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => JsonDocument.Parse(l).RootElement).Where(l => l.GetProperty("message").GetString() == message)];

    [Fact]
    public async Task Each_answer_names_its_variant_and_version_a_client_keeps_its_variant_and_both_are_measured_and_logged()
    {
        using var service = (IDisposable)await ServiceAsync("""{"variants":[{"name":"a","weight":50},{"name":"b","weight":50,"modelDir":"{swapped}"}],"stickyHeader":"x-api-key"}""");
        var router = (IInferenceService)service;
        var seen = new Dictionary<string, string>();

        for (var round = 0; round < 2; round++)
        {
            for (var client = 0; client < 12; client++)
            {
                var response = await router.HandleAsync(Image($"client-{client}"), CancellationToken.None);
                Assert.Equal(200, response.StatusCode);
                var variant = response.Headers[VariantRouter.VariantHeader];
                var version = response.Headers[VariantRouter.VersionHeader];
                Assert.Equal(variant == "a" ? "2.0.0" : "2.1.0", version);
                Assert.Equal(version, response.Json().GetProperty("model_version").GetString());
                Assert.Equal(seen.TryAdd($"client-{client}", variant) ? variant : seen[$"client-{client}"], variant);
            }
        }

        Assert.Equal(["a", "b"], seen.Values.Distinct().Order());
        var requests = Lines("request");
        Assert.Equal(24, requests.Length);
        foreach (var line in requests)
        {
            var directive = line.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
            Assert.Equal("""[["Model","ModelVersion"],["Model","Variant"]]""", directive.GetProperty("Dimensions").GetRawText());
            Assert.Equal(line.GetProperty("Variant").GetString() == "a" ? "2.0.0" : "2.1.0", line.GetProperty("ModelVersion").GetString());
        }

        var logged = File.ReadAllLines(_predictionsLog).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(24, logged.Length);
        Assert.Equal(["2.0.0", "2.1.0"], logged.Select(l => l.GetProperty("version").GetString()).Distinct().Order());
    }

    [Fact]
    public async Task Health_and_metadata_come_from_the_first_model_variant()
    {
        var router = await ServiceAsync("""{"variants":[{"name":"legacy","weight":0,"url":"http://127.0.0.1:9/"},{"name":"fn","weight":100}]}""");

        var metadata = await router.HandleAsync(Requests.Get("/v2/models/ppocr-cls"), CancellationToken.None);
        var ready = await router.HandleAsync(Requests.Get("/v2/health/ready"), CancellationToken.None);

        Assert.Equal(200, metadata.StatusCode);
        Assert.Equal("fn", metadata.Headers[VariantRouter.VariantHeader]);
        Assert.Equal("2.0.0", metadata.Headers[VariantRouter.VersionHeader]);
        Assert.Equal(200, ready.StatusCode);
    }

    [Fact]
    public async Task A_shadow_call_runs_only_after_the_answer_and_publishes_the_candidates_latency_and_top1_agreement()
    {
        var router = await ServiceAsync("""{"variants":[{"name":"a","weight":100},{"name":"b","weight":0,"modelDir":"{swapped}"}],"shadow":{"variant":"b","percent":100}}""");

        var response = await router.HandleAsync(Image(), CancellationToken.None);

        Assert.Equal("a", response.Headers[VariantRouter.VariantHeader]);
        Assert.Equal("0", response.Json().GetProperty("predictions")[0].GetProperty("label").GetString());
        Assert.Empty(Lines("shadow"));
        Assert.Single(Lines("request"));

        await router.RunAfterResponseAsync(CancellationToken.None);

        var shadow = Assert.Single(Lines("shadow"));
        Assert.Equal(("a", "2.0.0", "2.1.0", 200), (shadow.GetProperty("primaryVariant").GetString(), shadow.GetProperty("primaryVersion").GetString(),
            shadow.GetProperty("candidateVersion").GetString(), shadow.GetProperty("candidateStatus").GetInt32()));
        Assert.Equal(("b", 0, 0, "top1"), (shadow.GetProperty("Variant").GetString(), shadow.GetProperty("ShadowTop1Match").GetInt32(),
            shadow.GetProperty("ShadowErrors").GetInt32(), shadow.GetProperty("comparison").GetString()));
        Assert.True(shadow.GetProperty("ShadowLatency").GetDouble() > 0);
        var directive = shadow.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.Equal("""[["Model","Variant"]]""", directive.GetProperty("Dimensions").GetRawText());
        Assert.Contains("ShadowTop1Match", directive.GetProperty("Metrics").GetRawText(), StringComparison.Ordinal);

        // The candidate's own request line is marked and publishes no metrics of its own, so live series stay live.
        var candidateLine = Assert.Single(Lines("request"), l => l.TryGetProperty("shadow", out _));
        Assert.Equal("b", candidateLine.GetProperty("Variant").GetString());
        Assert.False(candidateLine.TryGetProperty("_aws", out _));
        await router.RunAfterResponseAsync(CancellationToken.None);
        Assert.Single(Lines("shadow")); // each queued call runs once
    }

    [Fact]
    public async Task The_shadow_share_is_honoured_and_the_candidate_itself_is_never_shadowed()
    {
        var draws = new Queue<double>([0.0, 0.95, 0.0, 0.05, 0.0, 0.5]); // assignment draw, then shadow draw, per request
        var router = await ServiceAsync("""{"variants":[{"name":"a","weight":100},{"name":"b","weight":0,"modelDir":"{swapped}"}],"shadow":{"variant":"b","percent":10}}""",
            () => draws.Dequeue());

        for (var i = 0; i < 3; i++)
        {
            await router.HandleAsync(Image(), CancellationToken.None);
            await router.RunAfterResponseAsync(CancellationToken.None);
        }

        Assert.Single(Lines("shadow")); // only the draw of 0.05 is under 10 %
        Assert.Empty(draws);
    }

    [Fact]
    public async Task A_failing_candidate_never_reaches_the_client()
    {
        var port = LocalHttpBackend.ClosedPort();
        var router = await ServiceAsync($$$"""{"variants":[{"name":"a","weight":100},{"name":"old","weight":0,"url":"http://127.0.0.1:{{{port}}}/"}],"shadow":{"variant":"old","percent":100}}""");

        var response = await router.HandleAsync(Image(), CancellationToken.None);
        await router.RunAfterResponseAsync(CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("a", response.Headers[VariantRouter.VariantHeader]);
        var shadow = Assert.Single(Lines("shadow"));
        Assert.Equal("WARN", shadow.GetProperty("level").GetString());
        Assert.Equal((502, 1, "none"), (shadow.GetProperty("candidateStatus").GetInt32(), shadow.GetProperty("ShadowErrors").GetInt32(), shadow.GetProperty("comparison").GetString()));
    }

    [Fact]
    public async Task Migration_the_legacy_endpoint_answers_while_the_function_runs_beside_it_in_shadow()
    {
        const string LegacyAnswer = """{"model_name":"ppocr-cls","model_version":"legacy","predictions":[{"label":"0","index":0,"score":0.99}],"id":"x"}""";
        using var legacy = new LocalHttpBackend(c => LocalHttpBackend.Answer(c, 200, "application/json", LegacyAnswer));
        var router = await ServiceAsync($$$"""{"variants":[{"name":"legacy","weight":100,"url":"{{{legacy.Url}}}"},{"name":"serverless","weight":0}],"shadow":{"variant":"serverless","percent":100}}""");

        var response = await router.HandleAsync(Image(), CancellationToken.None);
        await router.RunAfterResponseAsync(CancellationToken.None);

        Assert.Equal(LegacyAnswer, System.Text.Encoding.UTF8.GetString(response.Body.Span));
        Assert.Equal(("legacy", "legacy"), (response.Headers[VariantRouter.VariantHeader], response.Headers[VariantRouter.VersionHeader]));
        var shadow = Assert.Single(Lines("shadow"));
        Assert.Equal(("serverless", "2.0.0", 1), (shadow.GetProperty("Variant").GetString(), shadow.GetProperty("candidateVersion").GetString(), shadow.GetProperty("ShadowTop1Match").GetInt32()));
    }

    [Fact]
    public async Task A_registry_variant_without_the_registry_fails_init_naming_the_variant()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceAsync("""{"variants":[{"name":"a","weight":50},{"name":"b","weight":50,"modelVersion":"1.1.0"}]}"""));

        Assert.Contains("TRAFFIC_SPLIT variant 'b' has modelVersion '1.1.0' but MODEL_REGISTRY_BUCKET is not set", error.Message, StringComparison.Ordinal);
    }
}
