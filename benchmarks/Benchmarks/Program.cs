using System.Globalization;
using Benchmarks;

// dotnet run -c Release --project benchmarks/Benchmarks -- warm [ROUNDS] [ITERATIONS]
// dotnet run -c Release --project benchmarks/Benchmarks -- coldstart PUBLISH_ROOT [RUNS] [THREADS]
// dotnet run -c Release --project benchmarks/Benchmarks -- size PUBLISH_ROOT
// dotnet run -c Release --project benchmarks/Benchmarks -- coldstart-variants FUNCTION_PUBLISH_ROOT FLOOR_PUBLISH_ROOT MODEL_DIR [ROUNDS] [THREADS] [FILTER]
//   (benchmarks/Benchmarks/coldstart.sh publishes everything and runs this)
// dotnet run -c Release --project benchmarks/Benchmarks -- serve PREDICT_URL API_KEY PHOTO [REQUESTS] [CONCURRENCY] [INSTANCES] [THREADS]
//   (benchmarks/Benchmarks/serve-load.sh starts serve for the dev stack and runs this)
// dotnet run -c Release --project benchmarks/Benchmarks -- shadow [ROUNDS] [THREADS]
// dotnet run -c Release --project benchmarks/Benchmarks -- session-formats MODEL.onnx [ROUNDS] [THREADS] [WARM_RUNS]
// PUBLISH_ROOT holds framework-dependent/, ready-to-run/ and native-aot/ (functions/InferenceFunction/bin/publish).
var invariant = CultureInfo.InvariantCulture;
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], invariant) : fallback;
var log = Console.Error;

switch (args.FirstOrDefault())
{
    case "warm":
        Console.WriteLine("| intra-op threads | bare Run p50 / p95 | service only p50 / p95 | full function path p50 / p95 | host part of the full path p50 / p95 | full ÷ bare p50 | full ÷ bare p95 |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var threads in new[] { 1, 2 })
        {
            var r = await WarmBenchmark.RunAsync(threads, Arg(1, 5), Arg(2, 60), log);
            await log.WriteLineAsync($"threads={threads}: the function path's output matches the bare run within {r.MaxAbsDifference:G3}");
            Console.WriteLine(string.Create(invariant,
                $"| {threads} | {r.Bare.P50:0.00} / {r.Bare.P95:0.00} ms | {r.Service.P50:0.00} / {r.Service.P95:0.00} ms | {r.Full.P50:0.00} / {r.Full.P95:0.00} ms | {r.Host.P50:0.00} / {r.Host.P95:0.00} ms | {r.Full.P50 / r.Bare.P50:0.000}× | {r.Full.P95 / r.Bare.P95:0.000}× |"));
        }

        return 0;
    case "coldstart" when args.Length > 1:
        Console.WriteLine("| build | process start → first response, median | min | max | init (start → first GET next), median | runs |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (build, entry) in Builds(args[1]))
        {
            var r = await ColdStartBenchmark.RunAsync(build, entry, Arg(3, 2), Arg(2, 7), log);
            Console.WriteLine(string.Create(invariant, $"| {build} | {r.MedianMs:0} ms | {r.MinMs:0} ms | {r.MaxMs:0} ms | {r.MedianInitMs:0} ms | {r.RunsMs.Count} |"));
        }

        return 0;
    case "coldstart-variants" when args.Length > 3:
    {
        // coldstart-variants FUNCTION_PUBLISH_ROOT FLOOR_PUBLISH_ROOT MODEL_DIR [ROUNDS] [THREADS] [FILTER]
        var variants = ColdStartVariants.Discover(args[1], args[2], args[3], Arg(5, 2), log);
        var filter = args.Length > 6 ? args[6] : null;
        var results = await ColdStartVariants.RunAsync(variants, Arg(4, 7), v => v.IsFloor || filter is null || v.Name.Contains(filter, StringComparison.Ordinal), log);
        var floor = Stats.Median(results[0].TotalMs);
        Console.WriteLine($"| variant | process start → first prediction, median | min | max | init, median | ÷ {results[0].Variant.Name} |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var init = r.Variant.IsFloor ? "–" : string.Create(invariant, $"{Stats.Median(r.InitMs):0} ms");
            Console.WriteLine(string.Create(invariant,
                $"| {r.Variant.Name} | {Stats.Median(r.TotalMs):0} ms | {r.TotalMs.Min():0} ms | {r.TotalMs.Max():0} ms | {init} | {Stats.Median(r.TotalMs) / floor:0.00}× |"));
        }

        return 0;
    }

    case "session-formats" when args.Length > 1:
    {
        var threads = Arg(3, 2);
        var folder = Path.Combine(Path.GetTempPath(), $"session-formats-{Environment.ProcessId}");
        try
        {
            var results = SessionFormats.Run(SessionFormats.Prepare(args[1], folder), threads, Arg(2, 7), Arg(4, 20), log);
            Console.WriteLine($"| saved graph, {threads} intra-op thread(s) | session creation, median | first run, median | warm run, median of medians | warm ÷ the model's own |");
            Console.WriteLine("|---|---|---|---|---|");
            var baseline = Stats.Median(results[0].WarmMs);
            foreach (var r in results)
            {
                Console.WriteLine(string.Create(invariant,
                    $"| {r.Name} | {Stats.Median(r.CreateMs):0.0} ms | {Stats.Median(r.FirstRunMs):0.0} ms | {Stats.Median(r.WarmMs):0.0} ms | {Stats.Median(r.WarmMs) / baseline:0.00}× |"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }

    case "size" when args.Length > 1:
        Console.WriteLine("| build | unzipped | zipped | files |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (build, entry) in Builds(args[1]))
        {
            var r = PackageSize.Measure(build, Path.GetDirectoryName(entry)!);
            Console.WriteLine(string.Create(invariant, $"| {build} | {r.UnzippedBytes / 1e6:0.0} MB | {r.ZippedBytes / 1e6:0.0} MB | {r.Files} |"));
        }

        return 0;
    case "serve" when args.Length > 3:
    {
        var (requests, concurrency, instances, threads) = (Arg(4, 2000), Arg(5, 4), Arg(6, 2), Arg(7, 2));
        await log.WriteLineAsync($"bare ONNX Runtime: {requests} ResNet18 runs on {instances} session(s) of {threads} intra-op thread(s)");
        var bare = await ServeLoadBenchmark.BareAsync(requests, instances, threads);
        await log.WriteLineAsync($"through serve: {requests} POST {args[1]} at concurrency {concurrency}");
        var served = await ServeLoadBenchmark.ThroughServeAsync(new Uri(args[1]), args[2], File.ReadAllBytes(args[3]), requests, concurrency, log);
        Console.WriteLine("| path | requests | errors | cold starts | p50 | p95 | p99 | per second |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (name, r) in new[] { ($"bare `InferenceSession.Run`, {instances} sessions × {threads} threads", bare), ($"`serve`: HTTP → gateway → function processes, concurrency {concurrency}", served) })
        {
            Console.WriteLine(string.Create(invariant, $"| {name} | {r.Requests} | {r.Errors} | {r.ColdStarts} | {r.P50:0.0} ms | {r.P95:0.0} ms | {r.P99:0.0} ms | {r.PerSecond:0.0} |"));
        }

        return served.Errors == 0 ? 0 : 1;
    }

    case "shadow":
    {
        var results = await ShadowBenchmark.RunAsync(Arg(1, 60), Arg(2, 1), log);
        var baseline = results[0];
        Console.WriteLine("| function | answer p50 | answer p95 | answer p50 ÷ baseline | busy until GET next, p50 | shadow lines |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(invariant, $"| {r.Name} | {r.AnswerP50:0.0} ms | {r.AnswerP95:0.0} ms | {r.AnswerP50 / baseline.AnswerP50:0.000}× | {r.BusyP50:0.0} ms | {r.ShadowLines} |"));
        }

        return 0;
    }

    default:
        await log.WriteLineAsync("usage: Benchmarks warm [ROUNDS] [ITERATIONS] | coldstart PUBLISH_ROOT [RUNS] [THREADS] | size PUBLISH_ROOT | serve PREDICT_URL API_KEY PHOTO [REQUESTS] [CONCURRENCY] [INSTANCES] [THREADS] | shadow [ROUNDS] [THREADS]");
        return 2;
}

static IEnumerable<(string Build, string EntryPoint)> Builds(string publishRoot) =>
[
    ("framework-dependent", Path.Combine(publishRoot, "framework-dependent", "InferenceFunction.dll")),
    ("ready-to-run", Path.Combine(publishRoot, "ready-to-run", "InferenceFunction.dll")),
    ("native-aot", Path.Combine(publishRoot, "native-aot", "bootstrap")),
];
