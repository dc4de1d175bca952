using System.Text;
using LambdaEmulator;

namespace InferenceFunction.Tests;

/// <summary>The emulator's own duties: timeouts kill the process, crashes are reported, a new process follows.</summary>
public sealed class EmulatorTests
{
    [Fact]
    public async Task AFunctionThatNeverAnswers_TimesOut_IsKilled_AndTheNextInvocationIsAColdStartAgain()
    {
        // `sleep` never polls the Runtime API: the init limit expires and the process is killed.
        var function = new FunctionDefinition("sleep", ["30"], new Dictionary<string, string>(),
            TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), 128, "sleeper");
        await using var emulator = await FunctionEmulator.StartAsync(function);

        var first = await emulator.InvokeAsync(Encoding.UTF8.GetBytes("{}"));
        var second = await emulator.InvokeAsync(Encoding.UTF8.GetBytes("{}"));

        Assert.Equal(InvocationStatus.TimedOut, first.Status);
        Assert.Equal("Sandbox.Timedout", first.Error!.ErrorType);
        Assert.True(first.ColdStart);
        Assert.True(second.ColdStart);
        Assert.InRange(first.Duration, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AFunctionProcessThatExits_IsReportedWithItsExitCodeAndOutput()
    {
        var function = new FunctionDefinition("sh", ["-c", "echo \"cannot open model.onnx\" >&2; exit 3"], new Dictionary<string, string>(),
            TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), 128, "crasher");
        await using var emulator = await FunctionEmulator.StartAsync(function);

        var result = await emulator.InvokeAsync(Encoding.UTF8.GetBytes("{}"));

        Assert.Equal(InvocationStatus.ProcessExited, result.Status);
        Assert.Contains("exited with code 3", result.Error!.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("cannot open model.onnx", result.Error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFunctionProcessGetsTheRuntimeApiAddressOnLoopback()
    {
        var function = new FunctionDefinition("sh", ["-c", "echo \"api=$AWS_LAMBDA_RUNTIME_API mem=$AWS_LAMBDA_FUNCTION_MEMORY_SIZE\" >&2; exit 1"],
            new Dictionary<string, string>(), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), 3008, "env-check");
        await using var emulator = await FunctionEmulator.StartAsync(function);

        var result = await emulator.InvokeAsync(Encoding.UTF8.GetBytes("{}"));

        Assert.StartsWith("127.0.0.1:", emulator.RuntimeApiAddress, StringComparison.Ordinal);
        Assert.Contains($"api={emulator.RuntimeApiAddress} mem=3008", result.Error!.ErrorMessage, StringComparison.Ordinal);
    }
}
