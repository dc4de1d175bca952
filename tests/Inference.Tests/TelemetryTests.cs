using System.Text.Json;
using Inference.Service;

namespace Inference.Tests;

public sealed class TelemetryTests : IAsyncLifetime
{
    private readonly StringWriter _log = new();
    private ModelService _service = null!;

    public async Task InitializeAsync() =>
        _service = await InferenceServiceFactory.CreateAsync(
            new InferenceOptions { ModelDirectory = ServiceFixture.ModelsDirectory, ModelName = "ppocr-cls", IntraOpThreads = 1, MetricsNamespace = "TestNs" },
            _log);

    public Task DisposeAsync()
    {
        _service.Dispose();
        return Task.CompletedTask;
    }

    private JsonElement[] Lines() =>
        [.. _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    private JsonElement[] RequestLines() => [.. Lines().Where(l => l.GetProperty("message").GetString() == "request")];

    [Fact]
    public async Task Each_request_writes_one_structured_line_with_latency_split_and_no_body()
    {
        var body = Requests.ClsInfer(dataJson: "12345.678," + Requests.Zeros(3 * 48 * 192 - 1));
        var request = Requests.PostJson("/v2/models/ppocr-cls/infer", body);

        await _service.HandleAsync(request, default);

        var line = Assert.Single(RequestLines());
        Assert.Equal(request.RequestId, line.GetProperty("requestId").GetString());
        Assert.Equal("INFO", line.GetProperty("level").GetString());
        Assert.Equal("POST", line.GetProperty("method").GetString());
        Assert.Equal("/v2/models/ppocr-cls/infer", line.GetProperty("path").GetString());
        Assert.Equal("ppocr-cls", line.GetProperty("Model").GetString());
        Assert.Equal("2.0.0", line.GetProperty("ModelVersion").GetString());
        Assert.Equal(200, line.GetProperty("status").GetInt32());
        Assert.Equal(body.Length, line.GetProperty("requestBytes").GetInt32());
        Assert.True(line.GetProperty("responseBytes").GetInt32() > 0);
        var latency = line.GetProperty("latencyMs");
        foreach (var part in new[] { "total", "decode", "preprocess", "inference", "serialize" })
        {
            Assert.True(latency.GetProperty(part).GetDouble() >= 0, part);
        }

        Assert.True(latency.GetProperty("inference").GetDouble() > 0);
        Assert.True(latency.GetProperty("total").GetDouble() >= latency.GetProperty("inference").GetDouble());
        Assert.DoesNotContain("12345.678", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_first_request_of_the_process_is_a_cold_start()
    {
        await _service.HandleAsync(Requests.Get("/v2/health/live"), default);
        await _service.HandleAsync(Requests.Get("/v2/health/live"), default);

        var lines = RequestLines();
        Assert.Equal([true, false], lines.Select(l => l.GetProperty("coldStart").GetBoolean()));
        Assert.Equal([1, 0], lines.Select(l => l.GetProperty("ColdStart").GetInt32()));
    }

    [Fact]
    public async Task A_prediction_emits_EMF_metrics_with_model_dimensions()
    {
        await _service.HandleAsync(Requests.PostJson("/v2/models/ppocr-cls/infer", Requests.ClsInfer()), default);

        var line = Assert.Single(RequestLines());
        var directive = Assert.Single(line.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray());
        Assert.True(line.GetProperty("_aws").GetProperty("Timestamp").GetInt64() > 1_700_000_000_000);
        Assert.Equal("TestNs", directive.GetProperty("Namespace").GetString());
        Assert.Equal("[[\"Model\",\"ModelVersion\"]]", directive.GetProperty("Dimensions").GetRawText());
        var metrics = directive.GetProperty("Metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("Name").GetString()!, m => m.GetProperty("Unit").GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["Latency"] = "Milliseconds", ["ColdStart"] = "Count", ["Predictions"] = "Count", ["InferenceLatency"] = "Milliseconds",
            ["CacheHits"] = "Count", ["CacheMisses"] = "Count",
        }, metrics);
        Assert.Equal(1, line.GetProperty("Predictions").GetInt32());
        Assert.Equal((0, 1), (line.GetProperty("CacheHits").GetInt32(), line.GetProperty("CacheMisses").GetInt32()));
        Assert.True(line.GetProperty("InferenceLatency").GetDouble() > 0);
        Assert.True(line.GetProperty("Latency").GetDouble() >= line.GetProperty("InferenceLatency").GetDouble());
    }

    [Fact]
    public async Task An_error_emits_the_Errors_metric_by_error_code()
    {
        await _service.HandleAsync(Requests.PostJson("/v2/models/ppocr-cls/infer", "{oops"), default);

        var line = Assert.Single(RequestLines());
        Assert.Equal("WARN", line.GetProperty("level").GetString());
        Assert.Equal("invalid_json", line.GetProperty("errorCode").GetString());
        Assert.Equal("invalid_json", line.GetProperty("ErrorCode").GetString());
        Assert.Equal(1, line.GetProperty("Errors").GetInt32());
        Assert.Equal(0, line.GetProperty("Predictions").GetInt32());
        Assert.False(line.TryGetProperty("InferenceLatency", out _));
        var directives = line.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray().ToArray();
        Assert.Equal(2, directives.Length);
        Assert.Equal("[[\"Model\",\"ModelVersion\",\"ErrorCode\"]]", directives[1].GetProperty("Dimensions").GetRawText());
        Assert.Equal("Errors", Assert.Single(directives[1].GetProperty("Metrics").EnumerateArray()).GetProperty("Name").GetString());
    }

    [Fact]
    public async Task Requests_naming_no_served_model_use_a_fixed_dimension_value()
    {
        await _service.HandleAsync(Requests.Get("/v2/models/some-random-name"), default);

        var line = Assert.Single(RequestLines());
        Assert.Equal("(none)", line.GetProperty("Model").GetString());
        Assert.Equal("(none)", line.GetProperty("ModelVersion").GetString());
        Assert.Equal("model_not_found", line.GetProperty("ErrorCode").GetString());
    }

    [Fact]
    public async Task Concurrent_requests_are_all_answered_and_logged_on_whole_lines()
    {
        var requests = Enumerable.Range(0, 16).Select(i => i % 4 == 0
            ? Requests.PostJson("/v2/models/ppocr-cls/infer", "{broken")
            : Requests.PostJson("/v2/models/ppocr-cls/infer", Requests.ClsInfer()));

        var responses = await Task.WhenAll(requests.Select(r => Task.Run(() => _service.HandleAsync(r, default))));

        Assert.Equal(12, responses.Count(r => r.StatusCode == 200));
        Assert.Equal(4, responses.Count(r => r.StatusCode == 400));
        var lines = RequestLines();
        Assert.Equal(16, lines.Length);
        Assert.Equal(1, lines.Count(l => l.GetProperty("coldStart").GetBoolean()));
    }

    [Fact]
    public void Loading_a_model_emits_ModelLoadMs()
    {
        var line = Assert.Single(Lines(), l => l.GetProperty("message").GetString() == "model_loaded");

        Assert.Equal("bundled", line.GetProperty("source").GetString());
        Assert.Equal("ppocr-cls", line.GetProperty("Model").GetString());
        Assert.True(line.GetProperty("ModelLoadMs").GetDouble() > 0);
        var directive = Assert.Single(line.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray());
        Assert.Equal("ModelLoadMs", Assert.Single(directive.GetProperty("Metrics").EnumerateArray()).GetProperty("Name").GetString());
    }
}
