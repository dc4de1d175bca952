using System.Diagnostics;
using System.Text;
using Inference.Hosting;
using InferenceFunction.Events;
using InferenceFunction.Runtime;

namespace Benchmarks;

/// <summary>
/// The host's own cost on the warm path: event JSON → InferenceRequest → (a service that answers at once)
/// → response JSON, for the same ResNet18-sized infer event as the warm benchmark.
/// </summary>
internal static class HostOverheadBenchmark
{
    public static async Task<WarmBenchmark.Percentiles> RunAsync(int rounds, int iterations, TextWriter progress)
    {
        var body = Events.InferBody("Input247", [1, 3, 224, 224], Events.Tensor(3 * 224 * 224, seed: 7));
        var eventJson = Events.InferEvent("resnet18", body);
        var dispatcher = new EventDispatcher(new ImmediateService(), new Lazy<SqsS3BatchHandler>(() => throw new InvalidOperationException("no SQS here")));
        var p50 = new List<double>();
        var p95 = new List<double>();
        for (var round = 0; round < rounds + 1; round++)
        {
            var sample = new List<double>(iterations);
            for (var i = 0; i < iterations; i++)
            {
                var invocation = new Invocation("id", DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds(), "arn:bench", null, eventJson);
                var deadline = new InvocationDeadline(invocation.DeadlineUnixMs, TimeSpan.FromMilliseconds(300), TimeProvider.System);
                var start = Stopwatch.GetTimestamp();
                await dispatcher.HandleAsync(invocation, deadline, CancellationToken.None);
                sample.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            if (round == 0)
            {
                continue; // warm-up round
            }

            p50.Add(Stats.Percentile(sample, 50));
            p95.Add(Stats.Percentile(sample, 95));
            await progress.WriteLineAsync($"host overhead round {round}/{rounds}: p50 {p50[^1]:0.000} ms, p95 {p95[^1]:0.000} ms ({eventJson.Length / 1e6:0.00} MB event)");
        }

        return new WarmBenchmark.Percentiles(Stats.Median(p50), Stats.Median(p95));
    }

    /// <summary>Answers with a small JSON body the size of a ResNet18 embedding response.</summary>
    private sealed class ImmediateService : IInferenceService
    {
        private static readonly byte[] Answer = Encoding.UTF8.GetBytes("{\"model_name\":\"resnet18\",\"outputs\":[{\"name\":\"Pooling395_Output_0\",\"datatype\":\"FP32\",\"shape\":[1,512,1,1],\"data\":[" + string.Join(',', Enumerable.Repeat("0.123456", 512)) + "]}]}");
        private static readonly Dictionary<string, string> Headers = new(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" };

        public Task WarmUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<InferenceResponse> HandleAsync(InferenceRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new InferenceResponse(200, Headers, Answer));
    }
}
