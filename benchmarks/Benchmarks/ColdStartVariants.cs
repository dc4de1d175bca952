using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LambdaEmulator;

namespace Benchmarks;

/// <summary>
/// Issue 9's cold-start comparison: process start → first ResNet18 prediction for each variant of the function
/// (build × session and init options) and for the floor (benchmarks/ColdStartFloor: a bare program that only creates
/// the session and runs once), all in one run. Every round starts each variant once, in an order rotated per
/// round, so that the machine's changing load falls on all of them alike; medians over the rounds.
/// </summary>
internal static class ColdStartVariants
{
    public sealed record Variant(string Name, string EntryPoint, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment, bool IsFloor);

    public sealed record Result(Variant Variant, List<double> TotalMs, List<double> InitMs);

    /// <summary>The variants whose builds exist under the two publish roots (a missing build is reported and left out).</summary>
    public static IReadOnlyList<Variant> Discover(string functionRoot, string floorRoot, string modelDirectory, int threads, TextWriter log)
    {
        var onnx = Path.Combine(modelDirectory, "ResNet18.onnx");
        var prepared = Directory.EnumerateFiles(modelDirectory, "ResNet18.onnx.*.extended.onnx").FirstOrDefault();
        var t = threads.ToString(CultureInfo.InvariantCulture);
        Dictionary<string, string> Env(bool preoptimized, bool parallel) => new()
        {
            ["ORT_INTRA_OP_THREADS"] = t,
            ["ORT_PREOPTIMIZED_MODEL"] = preoptimized ? "true" : "false",
            ["INIT_PARALLEL"] = parallel ? "true" : "false",
        };
        var candidates = new List<Variant>
        {
            new("floor: bare program, ResNet18.onnx (Native AOT)", Path.Combine(floorRoot, "native-aot", "ColdStartFloor"), [onnx, t], new Dictionary<string, string>(), true),
            new("floor: bare program, ResNet18.onnx (ReadyToRun)", Path.Combine(floorRoot, "ready-to-run", "ColdStartFloor.dll"), [onnx, t], new Dictionary<string, string>(), true),
        };
        if (prepared is not null)
        {
            candidates.Add(new("floor: bare program, pre-optimised graph (Native AOT)", Path.Combine(floorRoot, "native-aot", "ColdStartFloor"), [prepared, t], new Dictionary<string, string>(), true));
        }

        foreach (var (build, entry) in new[]
        {
            ("framework-dependent", Path.Combine(functionRoot, "framework-dependent", "InferenceFunction.dll")),
            ("ReadyToRun", Path.Combine(functionRoot, "ready-to-run", "InferenceFunction.dll")),
            ("ReadyToRun trimmed self-contained", Path.Combine(functionRoot, "ready-to-run-trimmed", "InferenceFunction")),
            ("Native AOT", Path.Combine(functionRoot, "native-aot", "bootstrap")),
        })
        {
            candidates.Add(new($"function {build}: .onnx, sequential init (before issue 9)", entry, [], Env(false, false), false));
            candidates.Add(new($"function {build}: .onnx, parallel init", entry, [], Env(false, true), false));
            var aot = build == "Native AOT";
            candidates.Add(new($"function {build}: pre-optimised graph, sequential init{(aot ? " (default)" : "")}", entry, [], Env(true, false), false));
            candidates.Add(new($"function {build}: pre-optimised graph, parallel init{(aot ? "" : " (default)")}", entry, [], Env(true, true), false));
        }

        foreach (var missing in candidates.Where(c => !File.Exists(c.EntryPoint)).Select(c => c.EntryPoint).Distinct())
        {
            log.WriteLine($"not built, left out: {missing}");
        }

        return [.. candidates.Where(c => File.Exists(c.EntryPoint))];
    }

    public static async Task<IReadOnlyList<Result>> RunAsync(IReadOnlyList<Variant> variants, int rounds, Func<Variant, bool> include, TextWriter log)
    {
        var chosen = variants.Where(include).ToArray();
        var results = chosen.Select(v => new Result(v, [], [])).ToArray();
        var firstEvent = Events.PredictEvent("resnet18", Events.Jpeg(640, 480), "image/jpeg");
        // Round 0 is discarded: it fills the file cache with every build and model.
        for (var round = 0; round <= rounds; round++)
        {
            for (var i = 0; i < results.Length; i++)
            {
                var result = results[(i + round) % results.Length];
                var (total, init) = result.Variant.IsFloor ? await RunFloorAsync(result.Variant) : await RunFunctionAsync(result.Variant, firstEvent);
                if (round > 0)
                {
                    result.TotalMs.Add(total);
                    result.InitMs.Add(init);
                }
            }

            await log.WriteLineAsync($"round {round}/{rounds} done{(round == 0 ? " (discarded)" : string.Empty)}, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        }

        return results;
    }

    /// <summary>Process start until the bare program printed its output (its exit is not counted, as the function's is not).</summary>
    private static async Task<(double Total, double Init)> RunFloorAsync(Variant variant)
    {
        var isAssembly = variant.EntryPoint.EndsWith(".dll", StringComparison.Ordinal);
        var start = new ProcessStartInfo(isAssembly ? "dotnet" : variant.EntryPoint) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (isAssembly)
        {
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(variant.EntryPoint);
        }

        foreach (var argument in variant.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {variant.EntryPoint}");
        var line = await process.StandardOutput.ReadLineAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || !float.TryParse(line, CultureInfo.InvariantCulture, out _))
        {
            throw new InvalidOperationException($"{variant.Name} failed ({process.ExitCode}): {line} {await process.StandardError.ReadToEndAsync()}");
        }

        return (elapsed, double.NaN);
    }

    private static async Task<(double Total, double Init)> RunFunctionAsync(Variant variant, byte[] firstEvent)
    {
        await using var emulator = await FunctionEmulator.StartAsync(FunctionDefinition.ForPublishedFunction(variant.EntryPoint, variant.Environment));
        var result = await emulator.InvokeAsync(firstEvent);
        if (result.Status != InvocationStatus.Succeeded || !result.ColdStart || StatusCode(result.Payload) != 200)
        {
            throw new InvalidOperationException($"{variant.Name}: the first invocation did not succeed ({result.Status}): {System.Text.Encoding.UTF8.GetString(result.Payload)}\n{emulator.RecentOutput()}");
        }

        return (result.Duration.TotalMilliseconds, result.InitDuration!.Value.TotalMilliseconds);
    }

    private static int StatusCode(byte[] payload)
    {
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.GetProperty("statusCode").GetInt32();
    }
}
