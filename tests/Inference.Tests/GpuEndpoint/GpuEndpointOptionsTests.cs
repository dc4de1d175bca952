using Inference.Contracts;
using Inference.GpuEndpoint;
using Inference.Service;

namespace Inference.Tests.GpuEndpoint;

public sealed class GpuEndpointOptionsTests
{
    private static GpuEndpointOptions? Read(params (string Name, string Value)[] variables) =>
        GpuEndpointOptions.FromEnvironment(name => variables.FirstOrDefault(v => v.Name == name).Value);

    [Fact]
    public void Unset_means_no_gpu_front_and_the_defaults_fit_under_api_gateways_29_seconds()
    {
        Assert.Null(Read());
        var options = Read(("GPU_ENDPOINT_NAME", "gpu-resnet"), ("AWS_REGION", "eu-west-1"))!;
        Assert.Equal(new GpuEndpointOptions("gpu-resnet", "eu-west-1", 25_000, 25_000, 3), options);
        Assert.True(options.TimeoutMs < 29_000);
        Assert.Equal("https://runtime.sagemaker.eu-west-1.amazonaws.com/endpoints/gpu-resnet/invocations", options.InvocationsUri.ToString());
    }

    [Theory]
    [InlineData("GPU_ENDPOINT_NAME", "gpu_resnet", "GPU_ENDPOINT_NAME is 'gpu_resnet'; allowed: 1 to 63 characters")]
    [InlineData("GPU_ENDPOINT_REGION", "Europe", "GPU_ENDPOINT_REGION is 'Europe'; allowed: an AWS region")]
    [InlineData("GPU_TIMEOUT_MS", "50", "GPU_TIMEOUT_MS is '50'; allowed: a whole number from 100 to 900000")]
    [InlineData("GPU_ATTEMPT_TIMEOUT_MS", "30000", "GPU_ATTEMPT_TIMEOUT_MS is '30000'; allowed: at most GPU_TIMEOUT_MS (25000)")]
    [InlineData("GPU_MAX_ATTEMPTS", "0", "GPU_MAX_ATTEMPTS is '0'; allowed: a whole number from 1 to 10")]
    [InlineData("GPU_ENDPOINT_URL", "127.0.0.1:4100", "GPU_ENDPOINT_URL is '127.0.0.1:4100'; allowed: an absolute http or https URL without a query")]
    [InlineData("GPU_ENDPOINT_URL", "http://127.0.0.1:4100/?a=b", "GPU_ENDPOINT_URL is 'http://127.0.0.1:4100/?a=b'; allowed: an absolute http or https URL")]
    public void A_bad_value_names_the_variable_the_value_and_what_is_allowed(string name, string value, string message)
    {
        var variables = new Dictionary<string, string> { ["GPU_ENDPOINT_NAME"] = "gpu-resnet", ["AWS_REGION"] = "eu-west-1", [name] = value };
        var error = Assert.Throws<InvalidOperationException>(() => GpuEndpointOptions.FromEnvironment(n => variables.GetValueOrDefault(n)));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4100")]
    [InlineData("http://127.0.0.1:4100/")]
    public void A_local_runtime_url_keeps_the_invocations_path_of_the_real_api(string url)
    {
        var options = Read(("GPU_ENDPOINT_NAME", "gpu-resnet"), ("AWS_REGION", "eu-west-1"), ("GPU_ENDPOINT_URL", url))!;

        Assert.Equal("http://127.0.0.1:4100/endpoints/gpu-resnet/invocations", options.InvocationsUri.ToString());
    }

    [Fact]
    public void A_gpu_setting_without_the_endpoint_is_an_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(("GPU_TIMEOUT_MS", "1000")));
        Assert.Equal("GPU_TIMEOUT_MS is '1000' but GPU_ENDPOINT_NAME is not set; allowed: GPU_TIMEOUT_MS only with GPU_ENDPOINT_NAME.", error.Message);
    }

    [Fact]
    public async Task The_function_is_a_front_for_the_endpoint_and_refuses_a_model_of_its_own()
    {
        var front = new Dictionary<string, string> { ["GPU_ENDPOINT_NAME"] = "gpu-resnet", ["AWS_REGION"] = "eu-west-1" };
        Assert.IsType<SageMakerEndpointService>(await FunctionComposition.CreateAsync(n => front.GetValueOrDefault(n), TextWriter.Null));

        front[FunctionEnvironment.ModelDirectory] = "/var/task/models";
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => FunctionComposition.CreateAsync(n => front.GetValueOrDefault(n), TextWriter.Null));
        Assert.StartsWith("MODEL_DIR is '/var/task/models' but GPU_ENDPOINT_NAME makes the function a front", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_route_travels_percent_encoded_within_the_headers_limit()
    {
        var value = GpuEndpointContract.Attributes("post", "/v2/models/my model;x=1/infer")!;
        Assert.Equal("method=POST;route=/v2/models/my%20model%3Bx%3D1/infer", value);
        Assert.Equal(("POST", "/v2/models/my model;x=1/infer"), GpuEndpointContract.ParseAttributes(value));
        Assert.All(value, c => Assert.InRange(c, '!', '~'));
        Assert.Null(GpuEndpointContract.Attributes("GET", "/" + new string('a', 1024)));
    }
}
