using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Infra.Components;
using Infra.Core;
using Infra.Local;
using Infra.Local.StackReading;
using TestModels;

namespace Local.Tests;

/// <summary>
/// serve builds a ModelRouterApi's gateway from the same Args: each model's routes reach its own function process (the
/// real function), the ensembles and rules the shared one, and a member past its timeout degrades the ensemble's answer.
/// </summary>
public sealed class ModelRouterServeTests : IDisposable
{
    private readonly string _models = Path.Combine(Path.GetTempPath(), $"router-serve-{Guid.NewGuid():N}");

    public ModelRouterServeTests()
    {
        Directory.CreateDirectory(_models);
        var ppocr = Directory.CreateDirectory(Path.Combine(_models, "ppocr-cls")).FullName;
        foreach (var file in Directory.GetFiles(TestStacks.TinyModelDirectory))
        {
            File.Copy(file, Path.Combine(ppocr, Path.GetFileName(file)));
        }

        EnsembleModels.Write(_models, "cls-a", EnsembleModels.Linear([0.6f, 0.3f, 0.1f]), "classification");
        EnsembleModels.Write(_models, "cls-b", EnsembleModels.Linear([0.2f, 0.7f, 0.1f]), "classification");
        EnsembleModels.Write(_models, "slow", EnsembleModels.Linear([0f, 0f, 1f], slowMatMuls: 8), "classification");
    }

    public void Dispose() => Directory.Delete(_models, recursive: true);

    [Fact]
    public async Task Each_models_routes_reach_its_own_function_and_the_ensemble_and_rules_the_shared_one()
    {
        var served = RunningTheBuiltFunction(Router());
        var api = Assert.Single(served.Apis);
        Assert.Equal(["models/ppocr-cls-function", "models/shared-function"], api.Functions.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal("cls-a,cls-b,slow", served.Functions.Single(f => f.Path == "models/shared-function").Environment["MODEL_NAME"]);
        var log = new StringWriter();
        var image = TextLines.Png("Quick brown fox", upsideDown: true);

        await using var serve = await LocalServe.StartAsync(served, new ServeSettings(0, 2, TimeSpan.FromMinutes(5), null, null), TextWriter.Synchronized(log));
        using var client = new HttpClient { BaseAddress = serve.Front.BaseAddress };
        var key = serve.Keys["models"]["acme"];

        using var dedicated = await client.SendAsync(Post("ppocr-cls/predict", image, "image/png", key));
        Assert.True(dedicated.StatusCode == HttpStatusCode.OK, await dedicated.Content.ReadAsStringAsync());
        Assert.StartsWith("models/ppocr-cls-function#", dedicated.Headers.GetValues("X-Local-Instance").Single(), StringComparison.Ordinal);
        Assert.Equal("180", (await Json(dedicated)).GetProperty("predictions")[0].GetProperty("label").GetString());

        using var shared = await client.SendAsync(Post("cls-a/predict", image, "image/png", key));
        Assert.StartsWith("models/shared-function#", shared.Headers.GetValues("X-Local-Instance").Single(), StringComparison.Ordinal);
        Assert.Equal("a", (await Json(shared)).GetProperty("predictions")[0].GetProperty("label").GetString());

        // slow (weight 4) misses its 30 ms: cls-b (2) outvotes cls-a (1).
        using var ensemble = await client.SendAsync(Post("vote/predict", image, "image/png", key));
        var answer = await Json(ensemble);
        Assert.Equal(HttpStatusCode.OK, ensemble.StatusCode);
        Assert.Equal("true", ensemble.Headers.GetValues("X-Ensemble-Degraded").Single());
        Assert.Equal("b", answer.GetProperty("predictions")[0].GetProperty("label").GetString());
        Assert.Equal(2.0 / 3, answer.GetProperty("predictions")[0].GetProperty("score").GetDouble(), 9);
        Assert.Equal("member_timeout", answer.GetProperty("ensemble").GetProperty("failed")[0].GetProperty("code").GetString());

        using var byType = await client.SendAsync(Post("auto/predict", image, "image/png", key));
        Assert.Equal("vote", byType.Headers.GetValues("X-Routed-To").Single());
        using var byDefault = await client.SendAsync(Post("auto/infer", Encoding.UTF8.GetBytes(EnsembleModels.InferBody(0, 0, 0)), "application/json", key));
        Assert.Equal("cls-a", byDefault.Headers.GetValues("X-Routed-To").Single());
        Assert.Equal(0.6, (await Json(byDefault)).GetProperty("outputs")[0].GetProperty("data")[0].GetDouble(), 6);

        // No route for a name the router does not serve: API Gateway's own 403, without invoking a function.
        using var unknown = await client.SendAsync(Post("resnet18/predict", image, "image/png", key));
        Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
        Assert.Contains("MISSING_AUTHENTICATION_TOKEN", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private LocalStack Router()
    {
        var stack = new Stack(TestStacks.Project, "test");
        _ = new ModelRouterApi(stack, "models", new ModelRouterApiArgs
        {
            Models =
            [
                new RoutedModel { Name = "ppocr-cls", Version = "2.0.0", Size = DataSize.FromMebibytes(0.55), Placement = ModelPlacement.Dedicated },
                new RoutedModel { Name = "cls-a", Version = "1.0.0", Size = DataSize.FromMebibytes(0.01) },
                new RoutedModel { Name = "cls-b", Version = "1.0.0", Size = DataSize.FromMebibytes(0.01) },
                new RoutedModel { Name = "slow", Version = "1.0.0", Size = DataSize.FromMebibytes(0.01) },
            ],
            Ensembles = [new EnsembleArgs { Name = "vote", Members = [new("cls-a", 1), new("cls-b", 2), new("slow", 4) { Timeout = TimeSpan.FromMilliseconds(30) }] }],
            Rules = [RequestRule.ContentType("image/*", "vote")],
            DefaultTarget = "cls-a",
            Function = new InferenceFunctionArgs
            {
                Code = new CodeDirectory("../.build/test-function", Path.Combine(TestStacks.RepositoryRoot, ".build", "test-function")),
                Timeout = TimeSpan.FromSeconds(20),
                Environment = new Dictionary<string, Input<string>> { ["MODEL_DIR"] = _models, ["ORT_INTRA_OP_THREADS"] = "1" },
            },
            Api = new RestApiSettings
            {
                StageName = "test",
                Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 100, BurstLimit = 100 }],
                Clients = [new ApiClient("acme", "standard")],
            },
        });
        return TestStacks.Read(stack);
    }

    /// <summary>Every function of the router runs functions/InferenceFunction's build output.</summary>
    private static LocalStack RunningTheBuiltFunction(LocalStack stack)
    {
        var executable = Path.Combine(TestStacks.FunctionDirectory, "InferenceFunction.dll");
        LocalFunction Built(LocalFunction function) => function with { Executable = executable };
        return stack with
        {
            Apis = [.. stack.Apis.Select(api => api with
            {
                Function = Built(api.Function),
                RouteFunctions = api.RouteFunctions.ToDictionary(r => r.Key, r => Built(r.Value), StringComparer.Ordinal),
            })],
        };
    }

    private static HttpRequestMessage Post(string modelPath, byte[] body, string contentType, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/models/test/v2/models/{modelPath}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("x-api-key", key);
        return request;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
