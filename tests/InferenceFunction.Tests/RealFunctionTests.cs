using System.Text;
using System.Text.Json;
using LambdaEmulator;
using TestModels;

namespace InferenceFunction.Tests;

/// <summary>The real built function, started by the emulator as a separate process, exactly as Lambda does.</summary>
public sealed class RealFunctionTests
{
    [Fact]
    public async Task ColdStart_ThenHealth_WarmUp_AndAResNet18Prediction_ThroughTheRuntimeApi()
    {
        await using var emulator = await FunctionEmulator.StartAsync(FunctionDefinition.ForPublishedFunction(
            BuiltFunction.AssemblyPath,
            new Dictionary<string, string> { ["ORT_INTRA_OP_THREADS"] = "1" },
            TimeSpan.FromSeconds(30)));

        var live = await emulator.InvokeAsync(Encoding.UTF8.GetBytes(EventDispatcherTests.V2Get("/v2/health/live")));
        var warm = await emulator.InvokeAsync(Encoding.UTF8.GetBytes("""{"warmup": true}"""));
        var prediction = await emulator.InvokeAsync(Encoding.UTF8.GetBytes(ResNetPredictEvents.Predict(ResNetPredictEvents.Png())));

        Assert.True(live.Status == InvocationStatus.Succeeded, emulator.RecentOutput());
        Assert.True(live.ColdStart);
        Assert.Equal(200, JsonDocument.Parse(live.Payload).RootElement.GetProperty("statusCode").GetInt32());
        Assert.Equal(InvocationStatus.Succeeded, warm.Status);
        Assert.False(warm.ColdStart);
        Assert.True(JsonDocument.Parse(warm.Payload).RootElement.GetProperty("warmedUp").GetBoolean());
        Assert.Equal(InvocationStatus.Succeeded, prediction.Status);
        var answer = JsonDocument.Parse(prediction.Payload).RootElement;
        Assert.True(answer.GetProperty("statusCode").GetInt32() == 200, answer.GetProperty("body").GetString());
        Assert.False(answer.GetProperty("isBase64Encoded").GetBoolean());
        var body = JsonDocument.Parse(answer.GetProperty("body").GetString()!).RootElement;
        Assert.Equal("resnet18", body.GetProperty("model_name").GetString());
        Assert.Contains(prediction.RequestId, emulator.RecentOutput(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownEvent_IsAnInvocationError_AndTheProcessServesTheNextEvent()
    {
        await using var emulator = await FunctionEmulator.StartAsync(FunctionDefinition.ForPublishedFunction(
            BuiltFunction.AssemblyPath, new Dictionary<string, string> { ["MODEL_LOADING"] = "lazy" }));

        var unknown = await emulator.InvokeAsync(Encoding.UTF8.GetBytes("""{"detail":"something else"}"""));
        var live = await emulator.InvokeAsync(Encoding.UTF8.GetBytes(EventDispatcherTests.V2Get("/v2/health/live")));

        Assert.Equal(InvocationStatus.FunctionError, unknown.Status);
        Assert.Equal("UnknownEventShape", unknown.Error!.ErrorType);
        Assert.Contains("[detail]", unknown.Error.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(InvocationStatus.Succeeded, live.Status);
        Assert.False(live.ColdStart);
    }

    [Fact]
    public async Task WorkThatCannotFinishBeforeTheDeadline_IsAnswered504_BeforeLambdaWouldKillTheProcess()
    {
        // A 1 s timeout with a 900 ms safety margin leaves 100 ms: too little for a lazy ResNet18 load.
        await using var emulator = await FunctionEmulator.StartAsync(FunctionDefinition.ForPublishedFunction(
            BuiltFunction.AssemblyPath,
            new Dictionary<string, string> { ["MODEL_LOADING"] = "lazy", ["DEADLINE_SAFETY_MARGIN_MS"] = "900" },
            TimeSpan.FromSeconds(1)));

        var result = await emulator.InvokeAsync(Encoding.UTF8.GetBytes(ResNetPredictEvents.Predict(ResNetPredictEvents.Png())));

        Assert.True(result.Status == InvocationStatus.Succeeded, $"{result.Status}: {result.Error?.ErrorMessage}");
        var answer = JsonDocument.Parse(result.Payload).RootElement;
        Assert.Equal(504, answer.GetProperty("statusCode").GetInt32());
        Assert.Equal("deadline_exceeded", JsonDocument.Parse(answer.GetProperty("body").GetString()!).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ABrokenModelConfiguration_IsReportedThroughInitError()
    {
        var empty = Directory.CreateTempSubdirectory("no-models-");
        try
        {
            await using var emulator = await FunctionEmulator.StartAsync(FunctionDefinition.ForPublishedFunction(
                BuiltFunction.AssemblyPath, new Dictionary<string, string> { ["MODEL_DIR"] = empty.FullName }));

            var result = await emulator.InvokeAsync(Encoding.UTF8.GetBytes("""{"warmup": true}"""));

            Assert.Equal(InvocationStatus.InitError, result.Status);
            Assert.Contains(empty.FullName, result.Error!.ErrorMessage, StringComparison.Ordinal);
            Assert.EndsWith("Invalid", result.Error.ErrorType, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

}
