using System.Globalization;
using Benchmarks;

// dotnet run -c Release --project tests/Benchmarks -- warm [ROUNDS] [ITERATIONS]
// dotnet run -c Release --project tests/Benchmarks -- coldstart PUBLISH_ROOT [RUNS] [THREADS]
// dotnet run -c Release --project tests/Benchmarks -- size PUBLISH_ROOT
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
    case "size" when args.Length > 1:
        Console.WriteLine("| build | unzipped | zipped | files |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (build, entry) in Builds(args[1]))
        {
            var r = PackageSize.Measure(build, Path.GetDirectoryName(entry)!);
            Console.WriteLine(string.Create(invariant, $"| {build} | {r.UnzippedBytes / 1e6:0.0} MB | {r.ZippedBytes / 1e6:0.0} MB | {r.Files} |"));
        }

        return 0;
    default:
        await log.WriteLineAsync("usage: Benchmarks warm [ROUNDS] [ITERATIONS] | coldstart PUBLISH_ROOT [RUNS] [THREADS] | size PUBLISH_ROOT");
        return 2;
}

static IEnumerable<(string Build, string EntryPoint)> Builds(string publishRoot) =>
[
    ("framework-dependent", Path.Combine(publishRoot, "framework-dependent", "InferenceFunction.dll")),
    ("ready-to-run", Path.Combine(publishRoot, "ready-to-run", "InferenceFunction.dll")),
    ("native-aot", Path.Combine(publishRoot, "native-aot", "bootstrap")),
];
