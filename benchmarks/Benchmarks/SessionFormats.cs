using System.Diagnostics;
using Inference.Sessions;
using Microsoft.ML.OnnxRuntime;

namespace Benchmarks;

/// <summary>
/// Issue 9's saved-graph comparison: the ways a model's graph can be saved ahead of time, each opened with the function's own
/// session options (ORT_ENABLE_ALL, idle threads sleeping), timed for session creation, the first run and warm runs. The
/// variants rotate per round and every round opens fresh sessions, so the machine's changing load falls on all of them.
/// </summary>
internal static class SessionFormats
{
    public sealed record Variant(string Name, Func<SessionOptions, InferenceSession> Open);

    public sealed record Result(string Name, List<double> CreateMs, List<double> FirstRunMs, List<double> WarmMs);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<InferenceSession, byte[]> OrtBytes = [];

    /// <summary>Writes the saved forms of <paramref name="onnxPath"/> into <paramref name="folder"/> and returns how to open each.</summary>
    public static IReadOnlyList<Variant> Prepare(string onnxPath, string folder)
    {
        Directory.CreateDirectory(folder);
        var inline = Path.Combine(folder, "extended-inline.onnx");
        var external = Path.Combine(folder, "extended-external.onnx");
        var ort = Path.Combine(folder, "extended.ort");
        Save(onnxPath, inline, []);
        PreoptimizedModel.Write(onnxPath, external); // the function's own pre-optimised graph
        Save(onnxPath, ort, [("session.save_model_format", "ORT")]);
        return
        [
            new("the model's own .onnx", options => new InferenceSession(onnxPath, options)),
            new("extended graph, weights inside (.onnx)", options => new InferenceSession(inline, options)),
            new("extended graph, weights in an external data file (the function's default)", options => new InferenceSession(external, options)),
            new("extended graph in ORT format, read into a pinned array and used in place", options =>
            {
                var bytes = GC.AllocateUninitializedArray<byte>(checked((int)new FileInfo(ort).Length), pinned: true);
                using (var file = File.OpenRead(ort))
                {
                    file.ReadExactly(bytes);
                }

                options.AddSessionConfigEntry("session.load_model_format", "ORT");
                options.AddSessionConfigEntry("session.use_ort_model_bytes_directly", "1");
                options.AddSessionConfigEntry("session.use_ort_model_bytes_for_initializers", "1");
                var session = new InferenceSession(bytes, options);
                OrtBytes.Add(session, bytes); // ONNX Runtime reads the weights from the array for the session's lifetime
                return session;
            }),
        ];
    }

    public static IReadOnlyList<Result> Run(IReadOnlyList<Variant> variants, int threads, int rounds, int warmRuns, TextWriter log)
    {
        var results = variants.Select(v => new Result(v.Name, [], [], [])).ToArray();
        for (var round = 0; round <= rounds; round++)
        {
            for (var i = 0; i < variants.Count; i++)
            {
                var index = (i + round) % variants.Count;
                var (create, first, warm) = Measure(variants[index], threads, warmRuns);
                if (round > 0) // round 0 fills the file cache
                {
                    results[index].CreateMs.Add(create);
                    results[index].FirstRunMs.Add(first);
                    results[index].WarmMs.Add(warm);
                }
            }

            log.WriteLine($"round {round}/{rounds} done{(round == 0 ? " (discarded)" : string.Empty)}");
        }

        return results;
    }

    /// <returns>Session creation, the first run, and the median of the warm runs, in milliseconds.</returns>
    private static (double Create, double First, double Warm) Measure(Variant variant, int threads, int warmRuns)
    {
        using var options = new SessionSettings(threads).CreateOptions();
        var clock = Stopwatch.StartNew();
        using var session = variant.Open(options);
        var create = clock.Elapsed.TotalMilliseconds;
        var (name, metadata) = session.InputMetadata.First();
        var shape = metadata.Dimensions.Select(d => (long)Math.Max(d, 1)).ToArray();
        var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
        Array.Fill(data, 0.5f);
        using var input = OrtValue.CreateTensorValueFromMemory(data, shape);
        using var runOptions = new RunOptions();
        var runs = new List<double>();
        for (var i = 0; i <= warmRuns; i++)
        {
            clock.Restart();
            using var outputs = session.Run(runOptions, [name], [input], [session.OutputNames[0]]);
            runs.Add(clock.Elapsed.TotalMilliseconds);
        }

        return (create, runs[0], Stats.Median(runs[1..]));
    }

    private static void Save(string onnxPath, string target, (string Key, string Value)[] entries)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = target };
        foreach (var (key, value) in entries)
        {
            options.AddSessionConfigEntry(key, value);
        }

        using var session = new InferenceSession(onnxPath, options);
    }
}
