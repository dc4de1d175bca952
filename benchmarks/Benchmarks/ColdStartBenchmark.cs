using System.Text.Json;
using LambdaEmulator;

namespace Benchmarks;

/// <summary>
/// Process start to first response through the emulator: each run starts a fresh function process
/// (eager ResNet18 load) and sends one image prediction as its first event.
/// </summary>
internal static class ColdStartBenchmark
{
    public sealed record Result(string Build, IReadOnlyList<double> RunsMs, IReadOnlyList<double> InitMs)
    {
        public double MedianMs => Stats.Median(RunsMs);
        public double MedianInitMs => Stats.Median(InitMs);
        public double MinMs => RunsMs.Min();
        public double MaxMs => RunsMs.Max();
    }

    public static async Task<Result> RunAsync(string build, string entryPoint, int threads, int runs, TextWriter progress)
    {
        var firstEvent = Events.PredictEvent("resnet18", Events.Jpeg(640, 480), "image/jpeg");
        var environment = new Dictionary<string, string> { ["ORT_INTRA_OP_THREADS"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var times = new List<double>(runs);
        var inits = new List<double>(runs);
        // Run 0 is discarded: it warms the emulator's own code paths and the file cache for this build.
        for (var run = 0; run <= runs; run++)
        {
            await using var emulator = await FunctionEmulator.StartAsync(FunctionDefinition.ForPublishedFunction(entryPoint, environment));
            var result = await emulator.InvokeAsync(firstEvent);
            if (result.Status != InvocationStatus.Succeeded || !result.ColdStart || StatusCode(result.Payload) != 200)
            {
                throw new InvalidOperationException($"{build}: the first invocation did not succeed ({result.Status}): {System.Text.Encoding.UTF8.GetString(result.Payload)}\n{emulator.RecentOutput()}");
            }

            var initMs = result.InitDuration!.Value.TotalMilliseconds;
            await progress.WriteLineAsync($"{build} run {run}/{runs}: {result.Duration.TotalMilliseconds:0} ms, of which init {initMs:0} ms{(run == 0 ? " (discarded)" : string.Empty)}");
            if (run > 0)
            {
                times.Add(result.Duration.TotalMilliseconds);
                inits.Add(initMs);
            }
        }

        return new Result(build, times, inits);
    }

    private static int StatusCode(byte[] payload)
    {
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.GetProperty("statusCode").GetInt32();
    }
}
