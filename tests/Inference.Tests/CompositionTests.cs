using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Inference.Contracts;
using Inference.Sessions;
using Inference.Service;
using Microsoft.ML.OnnxRuntime;
using Moq;

namespace Inference.Tests;

public sealed class CompositionTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly StringWriter _log = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(128, 16, 1)]
    [InlineData(1769, 16, 1)]
    [InlineData(1770, 16, 2)]
    [InlineData(3538, 16, 2)]
    [InlineData(5308, 16, 4)]
    [InlineData(10240, 16, 6)]
    [InlineData(10240, 2, 2)]
    [InlineData(null, 4, 4)]
    public void Threads_follow_the_vCPUs_Lambda_gives_for_the_memory(int? memoryMb, int processors, int expected) =>
        Assert.Equal(expected, LambdaCpu.ThreadsFor(memoryMb, processors));

    [Fact]
    public void Environment_variables_configure_every_option()
    {
        var options = InferenceOptions.FromEnvironment(Env(new()
        {
            ["MODEL_DIR"] = "/opt/models", ["MODEL_NAME"] = "cls", ["MODEL_S3_BUCKET"] = "b", ["MODEL_S3_KEY"] = "k/m.onnx",
            ["MODEL_S3_VERSION"] = "v1", ["MODEL_CACHE_DIR"] = "/tmp/c", ["MODEL_LOADING"] = "lazy", ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "3008",
            ["ORT_OPTIMIZED_MODEL_CACHE"] = "true", ["MAX_BODY_BYTES"] = "1000", ["MAX_IMAGE_PIXELS"] = "5000", ["METRICS_NAMESPACE"] = "Ns",
        }), processorCount: 8);

        Assert.Equal("/opt/models", options.ModelDirectory);
        Assert.Equal("cls", options.ModelName);
        Assert.Equal(new Storage.S3ModelLocation("b", "k/m.onnx", "v1"), options.S3Location);
        Assert.Equal("/tmp/c", options.CacheDirectory);
        Assert.False(options.EagerLoading);
        Assert.Equal(2, options.IntraOpThreads);
        Assert.Equal("/tmp/c/optimized", options.SessionSettings.OptimizedModelCacheDirectory);
        Assert.Equal((1000L, 5000L, "Ns"), (options.MaxBodyBytes, options.MaxImagePixels, options.MetricsNamespace));
    }

    [Fact]
    public void Defaults_are_eager_bundled_models_next_to_the_executable()
    {
        var options = InferenceOptions.FromEnvironment(Env(new()), processorCount: 2);

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "models"), options.ModelDirectory);
        Assert.True(options.EagerLoading);
        Assert.Null(options.S3Location);
        Assert.Null(options.SessionSettings.OptimizedModelCacheDirectory);
        Assert.Equal(6 * 1024 * 1024, options.MaxBodyBytes);
        Assert.Equal("ServerlessInference", options.MetricsNamespace);
    }

    [Theory]
    [InlineData("MODEL_LOADING", "sometimes", "MODEL_LOADING is 'sometimes'; allowed: eager, lazy.")]
    [InlineData("ORT_INTRA_OP_THREADS", "0", "ORT_INTRA_OP_THREADS is '0'; allowed: a whole number from 1 to 64.")]
    [InlineData("MAX_BODY_BYTES", "6MB", "MAX_BODY_BYTES is '6MB'")]
    [InlineData("ORT_OPTIMIZED_MODEL_CACHE", "yes", "allowed: true, false")]
    [InlineData("MODEL_S3_BUCKET", "bucket", "MODEL_S3_BUCKET and MODEL_S3_KEY must be set together")]
    public void A_bad_environment_variable_is_named(string name, string value, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => InferenceOptions.FromEnvironment(Env(new() { [name] = value }), 2));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_registry_pin_reads_the_bucket_model_and_version()
    {
        var options = InferenceOptions.FromEnvironment(Env(new() { ["MODEL_REGISTRY_BUCKET"] = "models", ["MODEL_NAME"] = "cls", ["MODEL_VERSION"] = "1.1.0-rc.1" }), 2);

        Assert.Equal(new Storage.RegistryModel("models", "cls", "1.1.0-rc.1"), options.Registry);
        Assert.Equal(new Storage.S3ModelLocation("models", "models/cls/1.1.0-rc.1/model.onnx", null), options.Registry!.ModelFile);
        Assert.Null(options.S3Location);
    }

    [Theory]
    [InlineData(null, "1.0.0", null, "MODEL_NAME is ''; with MODEL_REGISTRY_BUCKET it is required")]
    [InlineData("cls", null, null, "MODEL_VERSION is ''; with MODEL_REGISTRY_BUCKET it is required: a semantic version")]
    [InlineData("cls", "1.0", null, "MODEL_VERSION is '1.0'")]
    [InlineData("cls", "1.0.0", "other-bucket", "MODEL_REGISTRY_BUCKET and MODEL_S3_BUCKET are both set")]
    public void A_bad_registry_pin_is_named(string? name, string? version, string? s3Bucket, string expected)
    {
        var env = new Dictionary<string, string> { ["MODEL_REGISTRY_BUCKET"] = "models" };
        foreach (var (key, value) in new[] { ("MODEL_NAME", name), ("MODEL_VERSION", version), ("MODEL_S3_BUCKET", s3Bucket), ("MODEL_S3_KEY", s3Bucket is null ? null : "k.onnx") })
        {
            if (value is not null)
            {
                env[key] = value;
            }
        }

        var error = Assert.Throws<InvalidOperationException>(() => InferenceOptions.FromEnvironment(Env(env), 2));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_directory_without_models_fails_at_init()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => InferenceServiceFactory.FromEnvironmentAsync(Env(new() { ["MODEL_DIR"] = _dir.Path }), _log));

        Assert.Contains($"MODEL_DIR '{_dir.Path}' holds no model.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lazy_loading_defers_the_session_to_the_first_prediction()
    {
        using var service = await InferenceServiceFactory.FromEnvironmentAsync(
            Env(new() { ["MODEL_DIR"] = ServiceFixture.ModelsDirectory, ["MODEL_NAME"] = "ppocr-cls", ["MODEL_LOADING"] = "lazy" }), _log);

        Assert.DoesNotContain("model_loaded", _log.ToString(), StringComparison.Ordinal);
        Assert.Equal(200, (await service.HandleAsync(Requests.Get("/v2/health/ready"), default)).StatusCode);
        Assert.Equal(200, (await service.HandleAsync(Requests.Get("/v2/models/ppocr-cls"), default)).StatusCode);
        Assert.Equal(503, (await service.HandleAsync(Requests.Get("/v2/models/ppocr-cls/ready"), default)).StatusCode);

        Assert.Equal(200, (await service.HandleAsync(Requests.PostJson("/v2/models/ppocr-cls/infer", Requests.ClsInfer()), default)).StatusCode);

        Assert.Contains("model_loaded", _log.ToString(), StringComparison.Ordinal);
        Assert.Equal(200, (await service.HandleAsync(Requests.Get("/v2/models/ppocr-cls/ready"), default)).StatusCode);
    }

    [Fact]
    public async Task WarmUp_loads_models_without_predicting()
    {
        using var service = await InferenceServiceFactory.FromEnvironmentAsync(
            Env(new() { ["MODEL_DIR"] = ServiceFixture.ModelsDirectory, ["MODEL_NAME"] = "ppocr-cls", ["MODEL_LOADING"] = "lazy" }), _log);

        await service.WarmUpAsync(default);

        Assert.True(service.Models.IsLoaded("ppocr-cls"));
        Assert.DoesNotContain("\"message\":\"request\"", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_file_from_S3_is_served_and_a_failed_lazy_load_is_retried_on_the_next_request()
    {
        var folder = _dir.CopyModel("ppocr-cls", "bundle");
        var onnx = Path.Combine(folder, "ch_ppocr_mobile_v2.0_cls_infer.onnx");
        var bytes = await File.ReadAllBytesAsync(onnx);
        File.Delete(onnx);
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        s3.SetupSequence(s => s.GetObjectAsync(It.Is<GetObjectRequest>(r => r.BucketName == "b" && r.Key == "cls.onnx" && r.VersionId == "v3"), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonS3Exception("denied", ErrorType.Sender, "AccessDenied", "r", HttpStatusCode.Forbidden))
            .ReturnsAsync(new GetObjectResponse { ResponseStream = new MemoryStream(bytes), ContentLength = bytes.Length });
        using var service = await InferenceServiceFactory.FromEnvironmentAsync(Env(new()
        {
            ["MODEL_DIR"] = folder, ["MODEL_S3_BUCKET"] = "b", ["MODEL_S3_KEY"] = "cls.onnx", ["MODEL_S3_VERSION"] = "v3",
            ["MODEL_CACHE_DIR"] = Path.Combine(_dir.Path, "cache"), ["MODEL_LOADING"] = "lazy",
        }), _log, s3.Object);

        var denied = await service.HandleAsync(Requests.PostJson("/v2/models/ppocr-cls/infer", Requests.ClsInfer()), default);
        var served = await service.HandleAsync(Requests.PostJson("/v2/models/ppocr-cls/infer", Requests.ClsInfer()), default);

        Assert.Equal(503, denied.StatusCode);
        Assert.Equal("model_unavailable", denied.Json().GetProperty("code").GetString());
        Assert.Contains("access to s3://b/cls.onnx (version v3) is denied", denied.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, served.StatusCode);
        Assert.Contains("\"source\":\"s3\"", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eager_loading_fails_init_when_the_model_file_is_missing()
    {
        var folder = _dir.CopyModel("ppocr-cls");
        File.Delete(Path.Combine(folder, "ch_ppocr_mobile_v2.0_cls_infer.onnx"));

        var error = await Assert.ThrowsAsync<Storage.ModelNotFoundException>(() =>
            InferenceServiceFactory.FromEnvironmentAsync(Env(new() { ["MODEL_DIR"] = folder }), _log));

        Assert.Contains("ch_ppocr_mobile_v2.0_cls_infer.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_without_preprocessing_refuses_images()
    {
        var folder = _dir.CopyModel("ppocr-cls");
        var config = Path.Combine(folder, "model.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(config),
            documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();
        json.Remove("preprocessing");
        await File.WriteAllTextAsync(config, json.ToJsonString());
        using var service = await InferenceServiceFactory.FromEnvironmentAsync(Env(new() { ["MODEL_DIR"] = folder }), _log);

        var response = await service.HandleAsync(Requests.Post("/v2/models/ppocr-cls/predict", TestImages.TextLine("a", false), "image/png"), default);

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("predict_not_supported", response.Json().GetProperty("code").GetString());
    }

    [Fact]
    public void The_optimized_model_cache_is_written_once_and_reused_with_the_same_results()
    {
        var cache = Path.Combine(_dir.Path, "optimized");
        var settings = new SessionSettings(1, cache);
        var model = Path.Combine(ServiceFixture.ModelsDirectory, "ppocr-cls", "ch_ppocr_mobile_v2.0_cls_infer.onnx");
        var input = Enumerable.Range(0, 3 * 48 * 192).Select(i => (float)Math.Cos(i)).ToArray();

        float[] Run()
        {
            using var session = settings.CreateSession(model, "cls-1.0.0");
            using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 48, 192]);
            using var output = session.Run(new RunOptions(), ["x"], [tensor], ["softmax_0.tmp_0"]);
            return output[0].GetTensorDataAsSpan<float>().ToArray();
        }

        var first = Run();
        var written = Assert.Single(Directory.GetFiles(cache));
        var writtenAt = File.GetLastWriteTimeUtc(written);
        var second = Run();

        Assert.Equal(first, second);
        Assert.Equal(writtenAt, File.GetLastWriteTimeUtc(Assert.Single(Directory.GetFiles(cache))));
        Assert.EndsWith("cls-1.0.0-t1.optimized.onnx", written, StringComparison.Ordinal);
    }

    private static Func<string, string?> Env(Dictionary<string, string> values) => name => values.GetValueOrDefault(name);
}
