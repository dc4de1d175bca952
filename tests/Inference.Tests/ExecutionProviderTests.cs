using System.Text.Json;
using Inference.Caching;
using Inference.Contracts;
using Inference.Service;
using Inference.Sessions;

namespace Inference.Tests;

/// <summary>
/// The execution provider on this machine (ONNX Runtime's CPU package, no GPU): CUDA falls back to CPU and says so in one
/// line and metric, strict mode fails the start instead, and the provider that runs is a dimension of the request metrics.
/// </summary>
public sealed class ExecutionProviderTests
{
    private const string ClsInfer = "/v2/models/ppocr-cls/infer";

    [Fact]
    public async Task Requesting_cuda_without_it_falls_back_to_cpu_with_one_warning_line_and_metric_saying_why()
    {
        var log = new StringWriter();
        using var service = await ServiceAsync(new ExecutionProviderSettings(ExecutionProviderKind.Cuda, DeviceId: 1), log);

        var line = Assert.Single(Lines(log), l => l.GetProperty("message").GetString() == "execution_provider");
        Assert.Equal("WARN", line.GetProperty("level").GetString());
        Assert.Equal("cuda", line.GetProperty("requested").GetString());
        Assert.Equal("cpu", line.GetProperty("actual").GetString());
        Assert.Equal(1, line.GetProperty("deviceId").GetInt32());
        Assert.Contains("no CUDAExecutionProvider", line.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, line.GetProperty(FunctionMetrics.ExecutionProviderFallback.Name).GetInt32());
        Assert.Equal("cpu", line.GetProperty(FunctionMetrics.ExecutionProvider).GetString());
        Assert.Equal("[[\"ExecutionProvider\"]]", line.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions").GetRawText());

        var response = await service.HandleAsync(Requests.PostJson(ClsInfer, Requests.ClsInfer()), default);

        Assert.Equal(200, response.StatusCode);
        var request = Lines(log).Last(l => l.GetProperty("message").GetString() == "request");
        Assert.Equal("cpu", request.GetProperty(FunctionMetrics.ExecutionProvider).GetString());
        Assert.Contains(request.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions").EnumerateArray(),
            set => set.GetRawText() == "[\"Model\",\"ExecutionProvider\"]");
    }

    [Fact]
    public async Task Strict_cuda_without_it_fails_the_start_with_a_message_naming_the_variables_and_the_reason()
    {
        var log = new StringWriter();

        var error = await Assert.ThrowsAsync<ExecutionProviderUnavailableException>(() =>
            ServiceAsync(new ExecutionProviderSettings(ExecutionProviderKind.Cuda, Strict: true), log));

        Assert.Contains("INFERENCE_EXECUTION_PROVIDER is 'cuda' and INFERENCE_EXECUTION_PROVIDER_STRICT is 'true', but CUDA cannot run", error.Message,
            StringComparison.Ordinal);
        Assert.Contains("no CUDAExecutionProvider", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Lines(log), l => l.GetProperty("message").GetString() == "execution_provider");
    }

    [Fact]
    public async Task Requesting_cpu_says_so_at_info_with_no_fallback()
    {
        var log = new StringWriter();
        using var service = await ServiceAsync(new ExecutionProviderSettings(ExecutionProviderKind.Cpu), log);

        var line = Assert.Single(Lines(log), l => l.GetProperty("message").GetString() == "execution_provider");
        Assert.Equal("INFO", line.GetProperty("level").GetString());
        Assert.Equal("cpu", line.GetProperty("actual").GetString());
        Assert.False(line.TryGetProperty("reason", out _));
        Assert.Equal(0, line.GetProperty(FunctionMetrics.ExecutionProviderFallback.Name).GetInt32());
    }

    [Fact]
    public async Task Without_the_variable_the_function_writes_neither_the_line_nor_the_dimension()
    {
        var log = new StringWriter();
        using var service = await ServiceAsync(null, log);
        await service.HandleAsync(Requests.PostJson(ClsInfer, Requests.ClsInfer()), default);

        Assert.DoesNotContain("ExecutionProvider", log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Lines(log), l => l.GetProperty("message").GetString() == "execution_provider");
    }

    /// <summary>
    /// With lazy model loading, requests answered before the first model load (here: a model this function does not
    /// serve) carry the provider dimension too, because a decision that needs no session (CPU asked for, or a build without
    /// CUDA) is taken when the service starts; every request line of a process has the same dimensions.
    /// </summary>
    [Theory]
    [InlineData(ExecutionProviderKind.Cpu, "INFO")]
    [InlineData(ExecutionProviderKind.Cuda, "WARN")]
    public async Task With_lazy_loading_the_lines_before_the_first_model_load_carry_the_provider(ExecutionProviderKind requested, string level)
    {
        var log = new StringWriter();
        using var service = await ServiceAsync(new ExecutionProviderSettings(requested), log, eagerLoading: false);

        var response = await service.HandleAsync(Requests.PostJson("/v2/models/no-such-model/infer", Requests.ClsInfer()), default);

        Assert.Equal(404, response.StatusCode);
        Assert.DoesNotContain(Lines(log), l => l.GetProperty("message").GetString() == "model_loaded");
        Assert.Equal(level, Assert.Single(Lines(log), l => l.GetProperty("message").GetString() == "execution_provider").GetProperty("level").GetString());
        var before = Lines(log).Last(l => l.GetProperty("message").GetString() == "request");
        Assert.Equal("cpu", before.GetProperty(FunctionMetrics.ExecutionProvider).GetString());

        Assert.Equal(200, (await service.HandleAsync(Requests.PostJson(ClsInfer, Requests.ClsInfer()), default)).StatusCode);
        var after = Lines(log).Last(l => l.GetProperty("message").GetString() == "request");
        Assert.Equal(Dimensions(before), Dimensions(after));
        Assert.Single(Lines(log), l => l.GetProperty("message").GetString() == "execution_provider");
    }

    [Theory]
    [InlineData("INFERENCE_EXECUTION_PROVIDER", "gpu", "INFERENCE_EXECUTION_PROVIDER is 'gpu'; allowed: cpu, cuda.")]
    [InlineData("INFERENCE_EXECUTION_PROVIDER", "CUDA", "INFERENCE_EXECUTION_PROVIDER is 'CUDA'; allowed: cpu, cuda.")]
    [InlineData("INFERENCE_CUDA_DEVICE_ID", "-1", "INFERENCE_CUDA_DEVICE_ID is '-1'; allowed: a whole number from 0 to 64.")]
    [InlineData("INFERENCE_EXECUTION_PROVIDER_STRICT", "yes", "INFERENCE_EXECUTION_PROVIDER_STRICT is 'yes'; allowed: true, false.")]
    [InlineData("INFERENCE_DYNAMIC_BATCH_MAX_SIZE", "0", "INFERENCE_DYNAMIC_BATCH_MAX_SIZE is '0'; allowed: a whole number from 1 to 1024.")]
    [InlineData("INFERENCE_DYNAMIC_BATCH_MAX_WAIT_MS", "2.5", "INFERENCE_DYNAMIC_BATCH_MAX_WAIT_MS is '2.5'; allowed: a whole number from 0 to 1000.")]
    public void A_bad_value_names_the_variable_the_value_and_what_is_allowed(string name, string value, string message)
    {
        var environment = new Dictionary<string, string> { [name] = value, ["INFERENCE_EXECUTION_PROVIDER"] = name == "INFERENCE_EXECUTION_PROVIDER" ? value : "cuda" };
        if (name.StartsWith("INFERENCE_DYNAMIC", StringComparison.Ordinal))
        {
            environment["INFERENCE_DYNAMIC_BATCH_MAX_SIZE"] = name.EndsWith("SIZE", StringComparison.Ordinal) ? value : "8";
        }

        var error = Assert.Throws<InvalidOperationException>(() => InferenceOptions.FromEnvironment(environment.GetValueOrDefault, 2));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Device_or_strict_without_a_provider_is_refused_rather_than_ignored()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            InferenceOptions.FromEnvironment(n => n == "INFERENCE_EXECUTION_PROVIDER_STRICT" ? "true" : null, 2));

        Assert.Contains("INFERENCE_EXECUTION_PROVIDER is not", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_variables_are_read_into_the_options()
    {
        var environment = new Dictionary<string, string>
        {
            ["INFERENCE_EXECUTION_PROVIDER"] = "cuda", ["INFERENCE_CUDA_DEVICE_ID"] = "2", ["INFERENCE_EXECUTION_PROVIDER_STRICT"] = "true",
            ["INFERENCE_DYNAMIC_BATCH_MAX_SIZE"] = "32", ["INFERENCE_DYNAMIC_BATCH_MAX_WAIT_MS"] = "5",
        };

        var options = InferenceOptions.FromEnvironment(environment.GetValueOrDefault, 2);

        Assert.Equal(new ExecutionProviderSettings(ExecutionProviderKind.Cuda, 2, Strict: true), options.ExecutionProvider);
        Assert.Equal(new DynamicBatchOptions(32, TimeSpan.FromMilliseconds(5)), options.DynamicBatch);
        var defaults = InferenceOptions.FromEnvironment(_ => null, 2);
        Assert.Null(defaults.ExecutionProvider);
        Assert.False(defaults.DynamicBatch.Enabled);
    }

    [Fact]
    public void A_wait_without_a_batch_size_is_refused_rather_than_ignored()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            InferenceOptions.FromEnvironment(n => n == "INFERENCE_DYNAMIC_BATCH_MAX_WAIT_MS" ? "5" : null, 2));

        Assert.StartsWith("INFERENCE_DYNAMIC_BATCH_MAX_WAIT_MS is '5' but INFERENCE_DYNAMIC_BATCH_MAX_SIZE is unset", error.Message, StringComparison.Ordinal);
    }

    private static string Dimensions(JsonElement line) => line.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions").GetRawText();

    private static Task<ModelService> ServiceAsync(ExecutionProviderSettings? provider, TextWriter log, bool eagerLoading = true) =>
        InferenceServiceFactory.CreateAsync(new InferenceOptions
        {
            EagerLoading = eagerLoading,
            ModelDirectory = ServiceFixture.ModelsDirectory,
            ModelName = "ppocr-cls",
            IntraOpThreads = 1,
            ExecutionProvider = provider,
            Cache = new PredictionCacheOptions { MaxEntries = 0 },
        }, log);

    private static List<JsonElement> Lines(StringWriter log) =>
        [.. log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
}
