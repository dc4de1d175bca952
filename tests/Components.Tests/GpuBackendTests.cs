using Infra.Components;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests;

/// <summary>The container pattern as a front for a SageMaker GPU endpoint: its variables, its one grant, its sizing and its checks.</summary>
public sealed class GpuBackendTests : IDisposable
{
    private const string EndpointArn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/gpu-resnet";
    private readonly string _context = Directory.CreateTempSubdirectory("gpu-front-context").FullName;

    public GpuBackendTests()
    {
        Directory.CreateDirectory(Path.Combine(_context, "functions"));
        File.WriteAllText(Path.Combine(_context, "functions", "Dockerfile"), "FROM scratch\n");
    }

    public void Dispose() => Directory.Delete(_context, recursive: true);

    private sealed class Endpoint : IInvocableEndpoint
    {
        public Output<string> EndpointName { get; } = Output.Create("gpu-resnet");

        public Output<string> EndpointArn { get; } = Output.Create(GpuBackendTests.EndpointArn);
    }

    private ContainerInferenceApiArgs Args(GpuBackendArgs? gpu = null) => new()
    {
        BuildContext = new CodeDirectory("..", _context),
        ModelName = "resnet18",
        ModelVersion = "1.0.0",
        GpuBackend = gpu ?? new GpuBackendArgs { Endpoint = new Endpoint() },
        Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 5, BurstLimit = 10 }], Clients = [new ApiClient("acme", "standard")] },
    };

    private static (ContainerInferenceApi Api, StackTemplate Template) Synth(ContainerInferenceApiArgs args)
    {
        var stack = new Stack("proj", "dev");
        var api = new ContainerInferenceApi(stack, "gpu", args);
        return (api, StackTemplate.FromStack(stack));
    }

    [Fact]
    public void The_front_gets_the_endpoints_variables_and_a_small_memory()
    {
        var (api, template) = Synth(Args(new GpuBackendArgs { Endpoint = new Endpoint(), Timeout = TimeSpan.FromSeconds(20), AttemptTimeout = TimeSpan.FromSeconds(8), MaxAttempts = 2 }));

        var variables = template.At("resources", api.Function.Function.LogicalName, "properties", "environment", "variables");
        Assert.Equal("gpu-resnet", template.At("resources", api.Function.Function.LogicalName, "properties", "environment", "variables", "GPU_ENDPOINT_NAME"));
        Assert.Equal("20000", template.At("resources", api.Function.Function.LogicalName, "properties", "environment", "variables", "GPU_TIMEOUT_MS"));
        Assert.Equal("8000", template.At("resources", api.Function.Function.LogicalName, "properties", "environment", "variables", "GPU_ATTEMPT_TIMEOUT_MS"));
        Assert.Equal("2", template.At("resources", api.Function.Function.LogicalName, "properties", "environment", "variables", "GPU_MAX_ATTEMPTS"));
        Assert.NotNull(variables);
        Assert.Equal(1024, Convert.ToInt32(template.At("resources", api.Function.Function.LogicalName, "properties", "memorySize"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_front_may_invoke_exactly_its_endpoint()
    {
        var (api, template) = Synth(Args());

        var front = template.Access().Role(api.Function.Role.LogicalName);
        front.Can("sagemaker:InvokeEndpoint").On(EndpointArn);
        front.Cannot("sagemaker:InvokeEndpoint").On("arn:aws:sagemaker:us-east-1:123456789012:endpoint/another-endpoint");
        front.Cannot("sagemaker:InvokeEndpointAsync").On(EndpointArn);
        front.Cannot("sagemaker:DeleteEndpoint").On(EndpointArn);
        Assert.NotNull(api.GpuEndpointGrant);
    }

    [Fact]
    public void Without_a_gpu_back_end_the_function_keeps_its_large_memory_and_no_endpoint_grant()
    {
        var (api, template) = Synth(Args() with { GpuBackend = null });

        Assert.Null(api.GpuEndpointGrant);
        Assert.Equal(10240, Convert.ToInt32(template.At("resources", api.Function.Function.LogicalName, "properties", "memorySize"), System.Globalization.CultureInfo.InvariantCulture));
        template.Access().Role(api.Function.Role.LogicalName).Cannot("sagemaker:InvokeEndpoint").On(EndpointArn);
    }

    [Theory]
    [InlineData(28, null, 3, "GpuBackend.Timeout")]
    [InlineData(20, 25, 3, "GpuBackend.AttemptTimeout")]
    [InlineData(20, null, 0, "GpuBackend.MaxAttempts")]
    public void Times_and_attempts_outside_the_functions_limits_are_refused(int timeoutSeconds, int? attemptSeconds, int attempts, string key)
    {
        var gpu = new GpuBackendArgs
        {
            Endpoint = new Endpoint(),
            Timeout = TimeSpan.FromSeconds(timeoutSeconds),
            AttemptTimeout = attemptSeconds is { } a ? TimeSpan.FromSeconds(a) : null,
            MaxAttempts = attempts,
        };

        var error = Assert.ThrowsAny<Exception>(() => Synth(Args(gpu)));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gpu_front_does_not_also_bundle_a_model()
    {
        Directory.CreateDirectory(Path.Combine(_context, "models", "big"));
        File.WriteAllText(Path.Combine(_context, "models", "big", "model.json"), "{}");

        var error = Assert.ThrowsAny<Exception>(() => Synth(Args() with { ModelSource = "models/big" }));

        Assert.Contains("ModelSource", error.Message, StringComparison.Ordinal);
        Assert.Contains("the front bundles none", error.Message, StringComparison.Ordinal);
    }
}
