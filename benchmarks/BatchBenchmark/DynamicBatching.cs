using System.Diagnostics;
using System.Globalization;
using Inference.Caching;
using Inference.Service;

namespace BatchBenchmark;

/// <summary>
/// dotnet run -c Release --project benchmarks/BatchBenchmark -- dynamic [ROUNDS] [CLIENTS] [REQUESTS_PER_CLIENT] [MAX_SIZE] [MAX_WAIT_MS] [INTRA_OP_THREADS]
/// Throughput of CLIENTS concurrent clients, each sending REQUESTS_PER_CLIENT single /predict requests one after another,
/// against two services over the same model in the same process: dynamic batching off (the baseline) and on. Each round
/// times both, in alternating order; the table gives the medians and the ratio. The answers of the batching service must be
/// the baseline's, byte for byte.
/// </summary>
internal static class DynamicBatching
{
    public static async Task<int> RunAsync(string[] args, Func<int, byte[]> image)
    {
        var invariant = CultureInfo.InvariantCulture;
        int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], invariant) : fallback;
        int rounds = Arg(0, 7), clients = Arg(1, 16), perClient = Arg(2, 8), maxSize = Arg(3, 16), maxWaitMs = Arg(4, 2), threads = Arg(5, 1);

        var requests = Enumerable.Range(0, clients * perClient).Select(i => new InferenceRequest("POST", "/v2/models/ppocr-cls/predict",
            new Dictionary<string, string> { ["Content-Type"] = "image/png" }, image(i), $"bench-{i}")).ToArray();
        using var baseline = await ServiceAsync(DynamicBatchOptions.Off, threads);
        using var batching = await ServiceAsync(new DynamicBatchOptions(maxSize, TimeSpan.FromMilliseconds(maxWaitMs)), threads);

        var expected = await Task.WhenAll(requests.Select(r => baseline.HandleAsync(r, default)));
        var actual = await ClientsAsync(batching, requests, clients);
        for (var i = 0; i < requests.Length; i++)
        {
            if (expected[i].StatusCode != 200 || !expected[i].Body.Span.SequenceEqual(actual[i].Body.Span))
            {
                throw new InvalidOperationException($"Request {i}: the dynamically batched answer differs from the unbatched one.");
            }
        }

        var paths = new (string Name, ModelService Service)[] { ("dynamic batching off", baseline), ($"dynamic batching, max {maxSize}, wait {maxWaitMs} ms", batching) };
        var times = paths.ToDictionary(p => p.Name, _ => new List<double>());
        var model = await batching.Models.GetAsync("ppocr-cls", default);
        long runs = 0;
        for (var round = -1; round < rounds; round++) // one warm-up round
        {
            for (var k = 0; k < paths.Length; k++)
            {
                var (name, service) = paths[(k + Math.Max(round, 0)) % paths.Length];
                var runsBefore = model.RunCount;
                var started = Stopwatch.GetTimestamp();
                await ClientsAsync(service, requests, clients);
                if (round >= 0)
                {
                    times[name].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    runs += service == batching ? model.RunCount - runsBefore : 0;
                }
            }
        }

        var baselineMedian = Median(times[paths[0].Name]);
        Console.WriteLine(string.Create(invariant,
            $"ppocr-cls, {clients} concurrent clients × {perClient} single /predict (PNG 384×96), intra-op threads {threads}, {rounds} rounds, {Environment.ProcessorCount} cores"));
        Console.WriteLine("| path | median ms for all requests | min–max ms | requests/s | ratio vs off |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (name, _) in paths)
        {
            var median = Median(times[name]);
            Console.WriteLine(string.Create(invariant,
                $"| {name} | {median:0.0} | {times[name].Min():0.0}–{times[name].Max():0.0} | {requests.Length * 1000 / median:0} | {baselineMedian / median:0.00}× |"));
        }

        Console.WriteLine(string.Create(invariant, $"mean images per batched run: {(double)requests.Length * rounds / runs:0.0}"));
        return 0;
    }

    /// <summary>CLIENTS tasks, each sending its share of the requests one after another; the answers in request order.</summary>
    private static async Task<InferenceResponse[]> ClientsAsync(ModelService service, InferenceRequest[] requests, int clients)
    {
        var responses = new InferenceResponse[requests.Length];
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            for (var i = c; i < requests.Length; i += clients)
            {
                responses[i] = await service.HandleAsync(requests[i], default);
            }
        })));
        return responses;
    }

    private static Task<ModelService> ServiceAsync(DynamicBatchOptions batching, int threads) =>
        InferenceServiceFactory.CreateAsync(new InferenceOptions
        {
            ModelDirectory = Path.Combine(AppContext.BaseDirectory, "models"),
            ModelName = "ppocr-cls",
            IntraOpThreads = threads,
            DynamicBatch = batching,
            Cache = new PredictionCacheOptions { MaxEntries = 0 }, // every request predicts afresh
        }, TextWriter.Null);

    private static double Median(List<double> sample)
    {
        var sorted = sample.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
