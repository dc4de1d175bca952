using System.Diagnostics;
using System.Text.Json;
using Inference.Caching;
using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace Benchmarks;

/// <summary>
/// The full function path in process (event JSON in → EventDispatcher → service → response JSON out)
/// against a bare InferenceSession.Run of the same model session on the same tensor, interleaved.
/// </summary>
internal static class WarmBenchmark
{
    /// <param name="Host">The full path minus the service's own time inside it: what the Lambda host adds.</param>
    public sealed record Result(int Threads, Percentiles Bare, Percentiles Service, Percentiles Full, Percentiles Host, double MaxAbsDifference);

    /// <summary>Medians over the rounds of each round's p50 and p95, in ms.</summary>
    public sealed record Percentiles(double P50, double P95);

    public static async Task<Result> RunAsync(int threads, int rounds, int iterations, TextWriter progress)
    {
        var options = new InferenceOptions
        {
            ModelDirectory = Path.Combine(AppContext.BaseDirectory, "models"),
            ModelName = "resnet18",
            IntraOpThreads = threads,
            EagerLoading = true,
            // Every iteration sends the same tensor: with the prediction cache on, the service would not run the model.
            Cache = new PredictionCacheOptions { MaxEntries = 0 },
        };
        // The request log and metric lines are formatted as in Lambda, then discarded instead of printed.
        await using var logSink = new StreamWriter(Stream.Null);
        using var service = await InferenceServiceFactory.CreateAsync(options, logSink);
        var model = await service.Models.GetAsync("resnet18", CancellationToken.None);
        var input = model.Definition.Inputs[0];
        var outputName = model.Definition.Outputs[0].Name;
        var data = Events.Tensor((int)input.Shape.Aggregate(1L, (a, b) => a * b), seed: 7);
        using var tensor = OrtValue.CreateTensorValueFromMemory(data, input.Shape);
        using var runOptions = new RunOptions();
        var body = Events.InferBody(input.Name, [.. input.Shape.Select(d => (int)d)], data);
        var bodyBytes = System.Text.Encoding.UTF8.GetBytes(body);
        var eventJson = Events.InferEvent("resnet18", body);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" };
        var timedService = new TimedService(service);
        var dispatcher = new EventDispatcher(timedService, new Lazy<SqsS3BatchHandler>(() => throw new InvalidOperationException("the warm benchmark sends no SQS events")));

        double Bare()
        {
            var start = Stopwatch.GetTimestamp();
            using var outputs = model.Session.Run(runOptions, [input.Name], [tensor], [outputName]);
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        // The service alone (InferenceRequest in, InferenceResponse out), given a fresh body as the host would.
        async Task<double> ServiceOnly()
        {
            var body = bodyBytes.ToArray();
            var start = Stopwatch.GetTimestamp();
            var response = await service.HandleAsync(new InferenceRequest("POST", "/v2/models/resnet18/infer", headers, body, "bench"), CancellationToken.None);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            return response.StatusCode == 200 ? elapsed : throw new InvalidOperationException($"The service answered {response.StatusCode}.");
        }

        var hostSamples = new List<double>();
        async Task<(double Ms, byte[] Response)> Full()
        {
            var invocation = new Invocation(Guid.NewGuid().ToString(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds(), "arn:bench", null, eventJson);
            var deadline = new InvocationDeadline(invocation.DeadlineUnixMs, TimeSpan.FromMilliseconds(300), TimeProvider.System);
            var start = Stopwatch.GetTimestamp();
            var response = await dispatcher.HandleAsync(invocation, deadline, CancellationToken.None);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            hostSamples.Add(elapsed - timedService.LastMs);
            return (elapsed, response);
        }

        var difference = SameAnswer(model.Session, runOptions, input.Name, tensor, outputName, (await Full()).Response);
        Func<Task<double>>[] paths = [() => Task.FromResult(Bare()), ServiceOnly, async () => (await Full()).Ms];
        for (var i = 0; i < 10; i++)
        {
            foreach (var path in paths)
            {
                await path();
            }
        }

        hostSamples.Clear();
        var roundResults = new List<Percentiles[]>();
        var hostResults = new List<Percentiles>();
        for (var round = 0; round < rounds; round++)
        {
            var samples = paths.Select(_ => new List<double>(iterations)).ToArray();
            for (var i = 0; i < iterations; i++)
            {
                // Rotate the order so no path always runs right after another.
                for (var k = 0; k < paths.Length; k++)
                {
                    var which = (i + k) % paths.Length;
                    samples[which].Add(await paths[which]());
                }
            }

            roundResults.Add([.. samples.Select(sample => new Percentiles(Stats.Percentile(sample, 50), Stats.Percentile(sample, 95)))]);
            hostResults.Add(new Percentiles(Stats.Percentile(hostSamples, 50), Stats.Percentile(hostSamples, 95)));
            hostSamples.Clear();
            var r = roundResults[^1];
            await progress.WriteLineAsync($"threads={threads} round {round + 1}/{rounds}: p50/p95 ms bare {r[0].P50:0.00}/{r[0].P95:0.00}, service {r[1].P50:0.00}/{r[1].P95:0.00}, full {r[2].P50:0.00}/{r[2].P95:0.00}, host part {hostResults[^1].P50:0.00}/{hostResults[^1].P95:0.00}");
        }

        Percentiles MedianOf(int path) => new(Stats.Median([.. roundResults.Select(r => r[path].P50)]), Stats.Median([.. roundResults.Select(r => r[path].P95)]));
        var host = new Percentiles(Stats.Median([.. hostResults.Select(h => h.P50)]), Stats.Median([.. hostResults.Select(h => h.P95)]));
        return new Result(threads, MedianOf(0), MedianOf(1), MedianOf(2), host, difference);
    }

    /// <summary>Checks that the function path answered with the bare run's output; returns the largest difference.</summary>
    private static double SameAnswer(InferenceSession session, RunOptions runOptions, string inputName, OrtValue tensor, string outputName, byte[] eventResponse)
    {
        using var outputs = session.Run(runOptions, [inputName], [tensor], [outputName]);
        var expected = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        using var envelope = JsonDocument.Parse(eventResponse);
        var status = envelope.RootElement.GetProperty("statusCode").GetInt32();
        var bodyText = envelope.RootElement.GetProperty("body").GetString()!;
        if (status != 200)
        {
            throw new InvalidOperationException($"The function path answered {status}: {bodyText}");
        }

        using var body = JsonDocument.Parse(bodyText);
        var actual = body.RootElement.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        if (actual.Length != expected.Length)
        {
            throw new InvalidOperationException($"The function path returned {actual.Length} values, the bare run {expected.Length}.");
        }

        return expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
    }

    /// <summary>Times the service's own share of each full-path request.</summary>
    private sealed class TimedService(IInferenceService inner) : IInferenceService
    {
        public double LastMs { get; private set; }

        public Task WarmUpAsync(CancellationToken cancellationToken) => inner.WarmUpAsync(cancellationToken);

        public async Task<InferenceResponse> HandleAsync(InferenceRequest request, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            var response = await inner.HandleAsync(request, cancellationToken);
            LastMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            return response;
        }
    }
}
