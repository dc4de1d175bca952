using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Infra.Core;
using Infra.Hosting;
using Infra.Local;

namespace Local.Tests;

/// <summary>serve's whole path: the local front, the gateway rules, the pool and a real function process with ResNet18.</summary>
public sealed class EndToEndTests
{
    [Fact]
    public async Task The_sample_photo_is_embedded_by_ResNet18_cold_then_warm_and_the_measurements_are_written()
    {
        var photo = new SamplePhoto(ProjectLayout.Find(TestStacks.RepositoryRoot), TextWriter.Null).Ensure();
        Assert.NotNull(photo);
        var stack = TestStacks.RunningTheBuiltFunction(TestStacks.RestApi(modelName: "resnet18", function: f => f with
        {
            Memory = DataSize.FromMebibytes(2048),
            Environment = new Dictionary<string, Input<string>> { ["ORT_INTRA_OP_THREADS"] = "1" },
        }));
        var measurements = Path.Combine(Path.GetTempPath(), $"serve-test-{Guid.NewGuid():N}", "measurements.json");
        var log = new StringWriter();
        var settings = new ServeSettings(0, 2, TimeSpan.FromMinutes(5), measurements, photo);

        await using (var serve = await LocalServe.StartAsync(stack, settings, TextWriter.Synchronized(log)))
        {
            using var client = new HttpClient { BaseAddress = serve.Front.BaseAddress };
            var key = serve.Keys["embed"]["acme"];
            var image = await client.GetByteArrayAsync("/sample.jpg");

            using var cold = await client.SendAsync(Predict(image, key));
            using var warm = await client.SendAsync(Predict(image, key));

            Assert.Equal(File.ReadAllBytes(photo), image);
            Assert.True(cold.StatusCode == HttpStatusCode.OK, $"{await cold.Content.ReadAsStringAsync()}\nserve's log:\n{log}");
            var answer = JsonDocument.Parse(await cold.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("resnet18", answer.GetProperty("model_name").GetString());
            Assert.Equal(512, answer.GetProperty("embedding").GetArrayLength());
            Assert.Equal("true", cold.Headers.GetValues("X-Local-Cold-Start").Single());
            Assert.Equal("false", warm.Headers.GetValues("X-Local-Cold-Start").Single());
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
            Assert.Contains("Try a model", await client.GetStringAsync("/"), StringComparison.Ordinal);
            var apis = JsonDocument.Parse(await client.GetStringAsync("/local/apis")).RootElement;
            Assert.Equal("/embed/test/v2/models/resnet18/predict", apis[0].GetProperty("predictPath").GetString());
        }

        Assert.Contains("(embed#1, cold start, client acme)", log.ToString(), StringComparison.Ordinal);
        var written = JsonDocument.Parse(File.ReadAllText(measurements)).RootElement.GetProperty("functions").GetProperty("embed");
        Assert.Equal(2, written.GetProperty("invocations").GetInt32());
        Assert.True(written.GetProperty("p50DurationMs").GetDouble() > 0);
        Assert.True(written.GetProperty("p95DurationMs").GetDouble() >= written.GetProperty("p50DurationMs").GetDouble());
        Assert.True(written.GetProperty("maxMemoryMb").GetDouble() > 50, "a process holding ResNet18 uses well over 50 MB");
        Assert.True(DateTimeOffset.TryParse(written.GetProperty("measuredAt").GetString(), out _));
        Directory.Delete(Path.GetDirectoryName(measurements)!, recursive: true);
    }

    private static HttpRequestMessage Predict(byte[] image, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/embed/test/v2/models/resnet18/predict") { Content = new ByteArrayContent(image) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        request.Headers.Add("x-api-key", key);
        return request;
    }
}
