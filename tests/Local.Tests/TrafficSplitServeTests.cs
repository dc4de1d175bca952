using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Infra.Components;
using Infra.Local;
using TestModels;

namespace Local.Tests;

/// <summary>
/// serve runs the API pattern's TrafficSplitArgs through the real function process: "a" is the bundled ppocr-cls 2.0.0,
/// "b" a copy labelled 2.1.0 with its labels swapped, so that b's top-1 label never agrees with a's.
/// </summary>
public sealed class TrafficSplitServeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"split-serve-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string SwappedCopy()
    {
        var folder = Path.Combine(_root, "b");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(TestStacks.TinyModelDirectory))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var config = Path.Combine(folder, "model.json");
        File.WriteAllText(config, File.ReadAllText(config)
            .Replace("\"version\": \"2.0.0\"", "\"version\": \"2.1.0\"", StringComparison.Ordinal)
            .Replace("\"labels\": [\"0\", \"180\"]", "\"labels\": [\"180\", \"0\"]", StringComparison.Ordinal));
        return folder;
    }

    [Fact]
    public async Task Answers_name_their_variant_a_user_keeps_one_and_the_shadow_candidates_metrics_reach_the_functions_log()
    {
        var stack = TestStacks.RunningTheBuiltFunction(TestStacks.RestApi(trafficSplit: new TrafficSplitArgs
        {
            Variants = [new ModelVariantArgs { Name = "a", Weight = 50 }, new ModelVariantArgs { Name = "b", Weight = 50, ModelDirectory = SwappedCopy() }],
            StickyHeader = "x-user",
            Shadow = new ShadowArgs("b", 100),
        }));
        var logs = Path.Combine(_root, "logs");
        var settings = new ServeSettings(0, 1, TimeSpan.FromMinutes(5), null, null) { FunctionLogDirectory = logs };
        var image = TextLines.Png("Quick brown fox", upsideDown: false);
        var served = new Dictionary<string, List<string>>();

        await using (var serve = await LocalServe.StartAsync(stack, settings, TextWriter.Null))
        {
            using var client = new HttpClient { BaseAddress = serve.Front.BaseAddress };
            var key = serve.Keys["embed"]["acme"];
            for (var round = 0; round < 2; round++)
            {
                for (var user = 0; user < 8; user++)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/embed/test/v2/models/ppocr-cls/predict") { Content = new ByteArrayContent(image) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                    request.Headers.Add("x-api-key", key);
                    request.Headers.Add("x-user", $"user-{user}");
                    using var response = await client.SendAsync(request);

                    Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
                    var variant = response.Headers.GetValues("X-Model-Variant").Single();
                    var version = response.Headers.GetValues("X-Model-Version").Single();
                    var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                    Assert.Equal(variant == "a" ? "2.0.0" : "2.1.0", version);
                    Assert.Equal(version, body.GetProperty("model_version").GetString());
                    Assert.Equal(variant == "a" ? "0" : "180", body.GetProperty("predictions")[0].GetProperty("label").GetString());
                    served.TryAdd($"user-{user}", []);
                    served[$"user-{user}"].Add(variant);
                }
            }

            // Every answer by "a" is shadowed by "b" after it was sent; wait for the last one to be written.
            var shadowedCount = served.Values.Sum(v => v.Count(x => x == "a"));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (Lines(logs, "shadow").Length < shadowedCount && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }

        // SHA-256 of the header value decides: users 0, 5, 6, 7 fall under 50 % (variant a), the others over it.
        Assert.All(served, s => Assert.Single(s.Value.Distinct()));
        Assert.Equal(["a", "b", "b", "b", "b", "a", "a", "a"], Enumerable.Range(0, 8).Select(u => served[$"user-{u}"][0]));
        var shadows = Lines(logs, "shadow");
        Assert.Equal(8, shadows.Length);
        Assert.All(shadows, s =>
        {
            Assert.Equal(("a", "b", "2.1.0"), (s.GetProperty("primaryVariant").GetString(), s.GetProperty("Variant").GetString(), s.GetProperty("candidateVersion").GetString()));
            Assert.Equal((0, 0), (s.GetProperty("ShadowTop1Match").GetInt32(), s.GetProperty("ShadowErrors").GetInt32()));
            Assert.True(s.GetProperty("ShadowLatency").GetDouble() > 0);
        });
        var requests = Lines(logs, "request").Where(r => !r.TryGetProperty("shadow", out _)).ToArray();
        Assert.Equal(16, requests.Length);
        Assert.Equal([8, 8], requests.GroupBy(r => r.GetProperty("Variant").GetString()).OrderBy(g => g.Key).Select(g => g.Count()));
    }

    private static JsonElement[] Lines(string logs, string message)
    {
        var file = Path.Combine(logs, "embed.log");
        if (!File.Exists(file))
        {
            return [];
        }

        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.TryGetProperty("message", out var m) && m.GetString() == message)];
    }
}

/// <summary>What serve does with a split it cannot run: registry versions need the registry, which local mode lacks.</summary>
public sealed class TrafficSplitLocalEnvironmentTests
{
    private static Infra.Local.StackReading.LocalFunction Read(TrafficSplitArgs split)
    {
        var stack = new Infra.Core.Stack(TestStacks.Project, "test");
        _ = new RestInferenceApi(stack, "embed", new RestInferenceApiArgs
        {
            ModelName = "resnet18",
            ModelVersion = "1.0.0",
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("fn", "/nonexistent"), ModelBucket = new EncryptedBucket(stack, "models") },
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 10, BurstLimit = 10 }], Clients = [new ApiClient("acme", "standard")] },
            TrafficSplit = split,
        });
        return TestStacks.Read(stack).Apis.Single().Function;
    }

    [Fact]
    public void A_split_of_registry_versions_is_left_out_saying_why()
    {
        var function = Read(new TrafficSplitArgs { Variants = [new() { Name = "a", Weight = 50 }, new() { Name = "b", Weight = 50, ModelVersion = "1.1.0" }] });

        Assert.False(function.Environment.ContainsKey("TRAFFIC_SPLIT"));
        var dropped = Assert.Single(function.DroppedVariables, d => d.Name == "TRAFFIC_SPLIT");
        Assert.Contains("local mode has no model registry", dropped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_split_of_bundled_folders_and_backends_runs_as_it_is()
    {
        var function = Read(new TrafficSplitArgs
        {
            Variants = [new() { Name = "a", Weight = 50 }, new() { Name = "b", Weight = 25, ModelDirectory = "models/b" }, new() { Name = "old", Weight = 25, BackendUrl = "https://old.example.com" }],
        });

        Assert.Contains("\"modelDir\":\"models/b\"", function.Environment["TRAFFIC_SPLIT"], StringComparison.Ordinal);
        Assert.DoesNotContain(function.DroppedVariables, d => d.Name == "TRAFFIC_SPLIT");
    }
}
