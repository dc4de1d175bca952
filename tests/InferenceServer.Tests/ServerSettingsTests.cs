using System.Net;
using InferenceServer;

namespace InferenceServer.Tests;

public sealed class ServerSettingsTests
{
    [Fact]
    public void Without_variables_it_listens_on_all_interfaces_port_8080_with_SageMakers_limits()
    {
        var settings = ServerSettings.FromEnvironment(_ => null);

        Assert.Equal((IPAddress.Any, 8080), (settings.BindAddress, settings.Port));
        Assert.Equal(TimeSpan.FromSeconds(60), settings.InvocationTimeout);
        Assert.Equal(6 * 1024 * 1024, settings.MaxBodyBytes);
        Assert.Equal(TimeSpan.FromSeconds(25), settings.ShutdownTimeout);
        Assert.Null(settings.InvocationsModel);
    }

    [Fact]
    public void SageMaker_variables_set_the_port_and_the_safe_range()
    {
        var settings = ServerSettings.FromEnvironment(Env(("SAGEMAKER_BIND_TO_PORT", "9081"), ("SAGEMAKER_SAFE_PORT_RANGE", "9100-9199")));

        Assert.Equal(9081, settings.Port);
        Assert.Equal((9100, 9199), settings.SafePortRange);
    }

    [Fact]
    public void A_single_MODEL_NAME_is_the_invocations_model_and_INVOCATIONS_MODEL_wins()
    {
        Assert.Equal("ppocr-cls", ServerSettings.FromEnvironment(Env(("MODEL_NAME", "ppocr-cls"))).InvocationsModel);
        Assert.Null(ServerSettings.FromEnvironment(Env(("MODEL_NAME", "ppocr-cls,resnet18"))).InvocationsModel);
        Assert.Equal("resnet18", ServerSettings.FromEnvironment(Env(("MODEL_NAME", "ppocr-cls,resnet18"), ("INVOCATIONS_MODEL", "resnet18"))).InvocationsModel);
    }

    [Theory]
    [InlineData("SAGEMAKER_BIND_TO_PORT", "http", "SAGEMAKER_BIND_TO_PORT is 'http'")]
    [InlineData("SAGEMAKER_BIND_TO_PORT", "70000", "SAGEMAKER_BIND_TO_PORT is '70000'")]
    [InlineData("SAGEMAKER_SAFE_PORT_RANGE", "9000", "SAGEMAKER_SAFE_PORT_RANGE='9000'")]
    [InlineData("SAGEMAKER_SAFE_PORT_RANGE", "8000-9000", "SAGEMAKER_BIND_TO_PORT='8080' lies inside SAGEMAKER_SAFE_PORT_RANGE='8000-9000'")]
    [InlineData("SERVER_BIND_ADDRESS", "localhost", "SERVER_BIND_ADDRESS='localhost'")]
    [InlineData("INVOCATION_TIMEOUT_SECONDS", "0", "INVOCATION_TIMEOUT_SECONDS is '0'")]
    public void A_wrong_value_names_the_variable_and_the_value(string variable, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ServerSettings.FromEnvironment(Env((variable, value))));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("allowed", error.Message, StringComparison.Ordinal);
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
