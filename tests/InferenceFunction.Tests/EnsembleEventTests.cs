using System.Text.Json;
using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Runtime;
using TestModels;

namespace InferenceFunction.Tests;

/// <summary>
/// Ensembles and the request-type router through the function's own path: the service built from ENSEMBLES and ROUTER
/// at init (ServiceInitialization), and API Gateway REST (v1) proxy events through the dispatcher and the HTTP handler.
/// </summary>
public sealed class EnsembleEventTests : IDisposable
{
    private readonly string _models = Path.Combine(Path.GetTempPath(), "ensemble-events-" + Guid.NewGuid().ToString("N"));

    public EnsembleEventTests()
    {
        EnsembleModels.Write(_models, "cls-a", EnsembleModels.Linear([0.6f, 0.3f, 0.1f]), "classification");
        EnsembleModels.Write(_models, "cls-b", EnsembleModels.Linear([0.2f, 0.7f, 0.1f]), "classification");
        EnsembleModels.Write(_models, "slow", EnsembleModels.Linear([0f, 0f, 1f], slowMatMuls: 8), "classification");
        EnsembleModels.Write(_models, "fragile", OnnxModelWriter.FailsOnLargeValues(), null);
        EnsembleModels.Write(_models, "reg", EnsembleModels.Linear([1f, 1f, 1f], gain: 2), null);
    }

    public void Dispose() => Directory.Delete(_models, recursive: true);

    [Fact]
    public async Task A_rule_routed_request_reaches_the_ensemble_whose_degraded_answer_names_the_timed_out_member()
    {
        using var function = await StartAsync("""
            [{"name":"vote","combine":"vote","members":[{"model":"cls-a","weight":1},{"model":"cls-b","weight":2},{"model":"slow","weight":4,"timeoutMs":25}]},
             {"name":"mean","combine":"average","members":[{"model":"reg"},{"model":"fragile"}]}]
            """, """{"name":"auto","rules":[{"contentType":"image/*","model":"vote"},{"parameter":"task","equals":"regress","model":"mean"}]}""");
        var image = Convert.ToBase64String(File.ReadAllBytes(WriteImage()));

        var response = await function.DispatchAsync($$"""
            {"resource":"/v2/models/{name}/predict","path":"/v2/models/auto/predict","httpMethod":"POST",
             "headers":{"Content-Type":"image/png"},"requestContext":{"requestId":"apigw-1","stage":"prod"},
             "body":"{{image}}","isBase64Encoded":true}
            """);

        Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        Assert.Equal("vote", response.GetProperty("headers").GetProperty("X-Routed-To").GetString());
        Assert.Equal("true", response.GetProperty("headers").GetProperty("X-Ensemble-Degraded").GetString());
        var body = JsonDocument.Parse(response.GetProperty("body").GetString()!).RootElement;
        // slow (weight 4) timed out: cls-b (2) outvotes cls-a (1), 2 of the 3 answering.
        Assert.Equal("b", body.GetProperty("predictions")[0].GetProperty("label").GetString());
        Assert.Equal(2.0 / 3, body.GetProperty("predictions")[0].GetProperty("score").GetDouble(), 9);
        var failed = Assert.Single(body.GetProperty("ensemble").GetProperty("failed").EnumerateArray());
        Assert.Equal(("slow", "member_timeout"), (failed.GetProperty("model").GetString(), failed.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task An_infer_event_with_a_failing_member_is_answered_by_the_others_and_an_all_failed_one_is_a_json_error()
    {
        using var function = await StartAsync("""[{"name":"mean","combine":"average","members":[{"model":"reg","weight":3},{"model":"fragile"}]}]""", null);

        var degraded = await function.DispatchAsync(InferEvent("mean", EnsembleModels.InferBody(3, 3, 3)));
        var body = JsonDocument.Parse(degraded.GetProperty("body").GetString()!).RootElement;
        Assert.Equal(200, degraded.GetProperty("statusCode").GetInt32());
        Assert.Equal(7.0, body.GetProperty("outputs")[0].GetProperty("data")[0].GetDouble(), 6); // reg alone: 2 × 3 + 1
        Assert.Equal("fragile", body.GetProperty("ensemble").GetProperty("failed")[0].GetProperty("model").GetString());

        var complete = await function.DispatchAsync(InferEvent("mean", EnsembleModels.InferBody(1, 1, 1)));
        var data = JsonDocument.Parse(complete.GetProperty("body").GetString()!).RootElement.GetProperty("outputs")[0].GetProperty("data");
        Assert.Equal((3 * 3.0 + 1) / 4, data[0].GetDouble(), 6); // (3 × reg's 3 + 1 × fragile's 1) / 4

        var refused = await function.DispatchAsync(InferEvent("mean", """{"inputs":[{"name":"q","shape":[1],"datatype":"FP32","data":[1]}]}"""));
        Assert.Equal(400, refused.GetProperty("statusCode").GetInt32());
        Assert.Equal("unknown_input", JsonDocument.Parse(refused.GetProperty("body").GetString()!).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_bad_ensemble_or_router_fails_init_as_a_function_config_error_naming_the_variable()
    {
        var ensemble = await Assert.ThrowsAsync<FunctionException>(() => StartAsync("""[{"name":"e","combine":"vote","members":[{"model":"reg"},{"model":"cls-a"}]}]""", null));
        Assert.Equal("FunctionConfigInvalid", ensemble.ErrorType);
        Assert.Contains("ENSEMBLES ensemble 'e': member 'reg' is not a classification model", ensemble.Message, StringComparison.Ordinal);

        var router = await Assert.ThrowsAsync<FunctionException>(() => StartAsync(null, """{"name":"auto","rules":[{"header":"x","equals":"1","model":"nope"}]}"""));
        Assert.Equal("FunctionConfigInvalid", router.ErrorType);
        Assert.Contains("ROUTER rules[0].model is 'nope'", router.Message, StringComparison.Ordinal);
    }

    private async Task<Function> StartAsync(string? ensembles, string? router)
    {
        var environment = new Dictionary<string, string?>
        {
            ["MODEL_DIR"] = _models,
            ["ORT_INTRA_OP_THREADS"] = "1",
            ["PREDICTION_CACHE_MAX_ENTRIES"] = "0",
            ["ENSEMBLES"] = ensembles,
            ["ROUTER"] = router,
        };
        return new Function(await ServiceInitialization.CreateAsync(name => environment.GetValueOrDefault(name), TextWriter.Null, s3: null));
    }

    private string WriteImage()
    {
        var path = Path.Combine(_models, "image.png");
        using var bitmap = new SkiaSharp.SKBitmap(8, 8);
        bitmap.Erase(SkiaSharp.SKColors.Gray);
        using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    private static string InferEvent(string model, string body) => $$"""
        {"resource":"/v2/models/{name}/infer","path":"/v2/models/{{model}}/infer","httpMethod":"POST",
         "headers":{"Content-Type":"application/json"},"requestContext":{"requestId":"apigw-2","stage":"prod"},
         "body":{{JsonSerializer.Serialize(body)}},"isBase64Encoded":false}
        """;

    private sealed class Function(Inference.Service.IInferenceService service) : IDisposable
    {
        private readonly EventDispatcher _dispatcher = new(service, new Lazy<SqsS3BatchHandler>(() => throw new InvalidOperationException("no batch here")));

        public async Task<JsonElement> DispatchAsync(string eventJson)
        {
            var invocation = Invocations.WithPayload(eventJson);
            var bytes = await _dispatcher.HandleAsync(invocation, Invocations.Deadline(invocation), CancellationToken.None);
            return JsonDocument.Parse(bytes).RootElement.Clone();
        }

        public void Dispose() => (service as IDisposable)?.Dispose();
    }
}
