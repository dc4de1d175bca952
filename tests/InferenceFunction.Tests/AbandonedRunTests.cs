using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LambdaEmulator;
using TestModels;

namespace InferenceFunction.Tests;

/// <summary>
/// The real function process, with a model whose run for a batch of 1024 needs about 1 TFLOP (tens of seconds on one
/// vCPU, several on the fastest core) and for a batch of 1 a moment. A request for 1024 is answered 504 at its deadline;
/// its run must stop there, not keep a vCPU busy behind the next invocations: the process then uses (almost) no CPU
/// while it waits for the next event, and the same model answers the next request.
/// </summary>
[Collection(nameof(TimingSensitive))]
public sealed class AbandonedRunTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("abandoned-run-");

    public void Dispose() => _models.Delete(recursive: true);

    [Fact]
    public async Task A_run_abandoned_at_the_deadline_stops_and_leaves_the_vCPU_to_the_next_invocations()
    {
        EnsembleModels.Write(_models.FullName, "busy", OnnxModelWriter.CostPerItem(matMuls: 500), null);
        // A 3 s timeout with a 2 s safety margin: the work budget ends 1 s after the invocation starts.
        await using var emulator = await FunctionEmulator.StartAsync(FunctionDefinition.ForPublishedFunction(
            BuiltFunction.AssemblyPath,
            new Dictionary<string, string>
            {
                ["MODEL_DIR"] = _models.FullName,
                ["ORT_INTRA_OP_THREADS"] = "1",
                ["PREDICTION_CACHE_MAX_ENTRIES"] = "0",
                ["DEADLINE_SAFETY_MARGIN_MS"] = "2000",
            },
            TimeSpan.FromSeconds(3)));

        var first = await InferAsync(emulator, batch: 1);
        var timedOut = await InferAsync(emulator, batch: 1024);
        using var function = Process.GetProcessById(emulator.ProcessId!.Value);
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // a stopped run ends within one operator (tens of milliseconds)
        function.Refresh();
        var cpuBefore = function.TotalProcessorTime;
        await Task.Delay(TimeSpan.FromSeconds(3));
        function.Refresh();
        var cpuWhileIdle = function.TotalProcessorTime - cpuBefore;
        var next = await InferAsync(emulator, batch: 1);
        output.WriteLine($"CPU used in the 3 s after the 504: {cpuWhileIdle.TotalMilliseconds:0} ms");

        Assert.Equal((200, null), first);
        Assert.Equal((504, "deadline_exceeded"), timedOut);
        // An abandoned run would use one vCPU (ORT_INTRA_OP_THREADS=1) the whole time: close to 3 s of CPU here.
        Assert.True(cpuWhileIdle < TimeSpan.FromMilliseconds(500), $"the function used {cpuWhileIdle.TotalMilliseconds:0} ms of CPU in the 3 s after the 504, with no invocation running");
        Assert.Equal((200, null), next);
    }

    private static async Task<(int Status, string? Code)> InferAsync(FunctionEmulator emulator, int batch)
    {
        var body = $$"""{"inputs":[{"name":"x","shape":[{{batch}},3,4,4],"datatype":"FP32","data":[{{string.Join(",", Enumerable.Repeat("0", batch * 48))}}]}]}""";
        var result = await emulator.InvokeAsync(Encoding.UTF8.GetBytes($$$"""
            {"version":"2.0","rawPath":"/v2/models/busy/infer","headers":{"content-type":"application/json"},
             "requestContext":{"http":{"method":"POST","path":"/v2/models/busy/infer"}},
             "body":{{{JsonSerializer.Serialize(body)}}},"isBase64Encoded":false}
            """));
        Assert.True(result.Status == InvocationStatus.Succeeded, $"{result.Status}: {result.Error?.ErrorMessage}\n{emulator.RecentOutput()}");
        var answer = JsonDocument.Parse(result.Payload).RootElement;
        var status = answer.GetProperty("statusCode").GetInt32();
        return (status, status == 200 ? null : JsonDocument.Parse(answer.GetProperty("body").GetString()!).RootElement.GetProperty("code").GetString());
    }
}
