using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Infra.Components;
using Infra.Configuration;
using Infra.Core;
using Infra.Local;
using Infra.Local.StackReading;
using TestModels;

namespace Local.Tests;

/// <summary>
/// A GPU endpoint in serve: the server mode as a local process on the CPU provider, reached by the GPU-fronted API's
/// function through the local SageMaker runtime, behind the local gateway with the API's keys.
/// </summary>
public sealed class ServeGpuEndpointTests : IDisposable
{
    private readonly string _context = Directory.CreateTempSubdirectory("serve-gpu-context").FullName;

    public ServeGpuEndpointTests()
    {
        Directory.CreateDirectory(Path.Combine(_context, "functions"));
        File.WriteAllText(Path.Combine(_context, "functions", "Dockerfile"), "FROM scratch\n");
    }

    public void Dispose() => Directory.Delete(_context, recursive: true);

    /// <summary>functions/InferenceServer's build output of this configuration (the project reference builds it first).</summary>
    private static string ServerAssembly
    {
        get
        {
            var functions = new DirectoryInfo(TestStacks.FunctionDirectory);
            return Path.Combine(TestStacks.RepositoryRoot, "functions", "InferenceServer", "bin", functions.Parent!.Name, functions.Name, "InferenceServer.dll");
        }
    }

    private LocalStack Read(string modelDirectory)
    {
        var stack = new Stack(TestStacks.Project, "test");
        var endpoint = new GpuInferenceEndpoint(stack, "gpu", new GpuInferenceEndpointArgs
        {
            Image = new EndpointImage(
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/models@sha256:0000000000000000000000000000000000000000000000000000000000000000",
                "arn:aws:ecr:us-east-1:123456789012:repository/models"),
            Environment = new Dictionary<string, Input<string>> { ["MODEL_DIR"] = modelDirectory, ["MODEL_NAME"] = "ppocr-cls", ["ORT_INTRA_OP_THREADS"] = "1" },
            StartupHealthCheckTimeout = TimeSpan.FromMinutes(1),
        });
        _ = new ContainerInferenceApi(stack, "front", new ContainerInferenceApiArgs
        {
            BuildContext = new CodeDirectory("..", _context),
            ModelName = "ppocr-cls",
            ModelVersion = "2.0.0",
            GpuBackend = new GpuBackendArgs { Endpoint = endpoint, Region = "us-east-1" },
            Api = new RestApiSettings
            {
                StageName = "test",
                Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 100, BurstLimit = 100 }],
                Clients = [new ApiClient("acme", "standard")],
            },
        });
        var model = new LocalStackReader(new ConfigResolver(TestStacks.Project, ConfigValues.Empty), TestStacks.FunctionDirectory,
            gpu: new LocalGpuSettings(ServerAssembly, LoopbackPorts.Free())).Read(stack);
        var executable = Path.Combine(TestStacks.FunctionDirectory, "InferenceFunction.dll");
        return model with { Apis = [.. model.Apis.Select(api => api with { Function = api.Function with { Executable = executable } })] };
    }

    [Fact]
    public async Task A_predict_request_through_the_local_gateway_is_answered_by_the_server_process_on_the_cpu_provider()
    {
        var model = Read(Path.GetDirectoryName(TestStacks.TinyModelDirectory)!);
        var endpoint = Assert.Single(model.GpuEndpoints);
        Assert.Equal("cpu", endpoint.Environment["INFERENCE_EXECUTION_PROVIDER"]); // the program sets cuda
        var front = Assert.Single(model.Apis).Function;
        Assert.Equal(endpoint.EndpointName, front.Environment["GPU_ENDPOINT_NAME"]);
        Assert.Equal($"http://127.0.0.1:{model.GpuRuntimePort}/", front.Environment["GPU_ENDPOINT_URL"]);
        var log = new StringWriter();

        await using (var serve = await LocalServe.StartAsync(model, new ServeSettings(0, 2, TimeSpan.FromMinutes(5), null, null), TextWriter.Synchronized(log)))
        {
            var report = new StringWriter();
            StartupReport.Write(report, serve, new ServeSettings(0, 2, TimeSpan.FromMinutes(5), null, null));
            Assert.Contains("provider   cpu (INFERENCE_EXECUTION_PROVIDER=cpu locally", report.ToString(), StringComparison.Ordinal);

            using var client = new HttpClient { BaseAddress = serve.Front.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/front/test/v2/models/ppocr-cls/predict")
            {
                Content = new ByteArrayContent(TextLines.Png("Quick brown fox", upsideDown: true)),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            request.Headers.Add("x-api-key", serve.Keys["front"]["acme"]);

            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{log}");
            Assert.Equal("180", JsonDocument.Parse(body).RootElement.GetProperty("predictions")[0].GetProperty("label").GetString());
            Assert.NotNull(serve.GpuServers[0].Address);
        }
    }

    [Fact]
    public async Task A_server_process_that_exits_before_ping_answers_stops_serve_with_its_exit_code_and_last_lines()
    {
        var model = Read(Path.Combine(_context, "no-models-here"));

        var error = await Assert.ThrowsAsync<ServeException>(async () =>
        {
            await using var serve = await LocalServe.StartAsync(model, new ServeSettings(0, 2, TimeSpan.FromMinutes(5), null, null), TextWriter.Null);
        });

        Assert.StartsWith("gpu (ml:GpuInferenceEndpoint): the server process exited with code 1 (init failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("Init failed", error.Message, StringComparison.Ordinal);
    }
}
