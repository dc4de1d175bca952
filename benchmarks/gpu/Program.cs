using System.Diagnostics;
using System.Globalization;
using Inference.Contracts;
using Inference.Sessions;
using Microsoft.ML.OnnxRuntime;

// GpuCheck [--providers cpu,cuda] [--batches 1,16,64] [--iterations 30] [--device 0] [--model DIR]
// Opens the model (default: the bundled ResNet18 with a dynamic batch dimension, written by run.sh publish) once per provider, the way the function does (strictly: a CUDA that cannot
// run stops the check rather than measuring CPU twice), runs the same seeded inputs at each batch size and prints, per provider
// and batch, the median and p90 latency of a warm run and the images per second. With both providers, every output of every
// batch must agree between them (cosine >= 0.999), else the exit code is 1. A batch above 1 needs a model whose first input
// dimension is dynamic; a --model with a fixed one is reported, not faked.
var invariant = CultureInfo.InvariantCulture;
string Option(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
var providers = Option("--providers", "cuda,cpu").Split(',').Select(p => ExecutionProviderSettings.Parse(p)
    ?? throw new ArgumentException($"--providers has '{p}'; allowed: {string.Join(", ", ExecutionProviderSettings.Names)}")).ToArray();
var batches = Option("--batches", "1,16,64").Split(',').Select(b => int.Parse(b, invariant)).ToArray();
var iterations = int.Parse(Option("--iterations", "30"), invariant);
var device = int.Parse(Option("--device", "0"), invariant);
var modelDirectory = Option("--model", Path.Combine(AppContext.BaseDirectory, "models", "resnet18-dynamic-batch"));
if (!File.Exists(Path.Combine(modelDirectory, "model.json")))
{
    Console.Error.WriteLine($"no model.json in {modelDirectory}: 'benchmarks/gpu/run.sh publish' writes the default (ResNet18 with a dynamic batch); or pass --model DIR");
    return 2;
}


var definition = ModelConfigLoader.Load(Path.Combine(modelDirectory, "model.json"));
var input = definition.Inputs[0];
var output = definition.Outputs[0];
var itemShape = input.Shape[1..];
var itemLength = checked((int)itemShape.Aggregate(1L, (size, d) => size * d));
var random = new Random(18);
var pixels = new float[itemLength * batches.Max()];
for (var i = 0; i < pixels.Length; i++)
{
    pixels[i] = (float)(random.NextDouble() * 255); // ResNet18 here takes its preprocessing graph's output range
}

Console.WriteLine(string.Create(invariant, $"{definition.Name} {definition.Version}, input {input.Name} [{string.Join(",", input.Shape)}], {iterations} timed runs per row, {Environment.ProcessorCount} cores"));
Console.WriteLine("| provider | batch | median ms per run | p90 ms | images/s |");
Console.WriteLine("|---|---|---|---|---|");
var outputs = new Dictionary<(ExecutionProviderKind, int), float[]>();
foreach (var provider in providers)
{
    ExecutionProviderChoice? chosen = null;
    var selection = new ExecutionProviderSelection(new ExecutionProviderSettings(provider, device, Strict: true), choice => chosen = choice);
    var settings = new SessionSettings(Environment.ProcessorCount, UsePreoptimizedModels: false, Providers: selection);
    using var session = settings.CreateSession(definition.BundledModelPath, definition.Name);
    Console.Error.WriteLine($"provider: requested {chosen?.RequestedName}, actual {chosen?.ActualName}");
    foreach (var batch in batches)
    {
        if (batch > 1 && input.Shape[0] != -1)
        {
            Console.WriteLine($"| {ExecutionProviderSettings.NameOf(provider)} | {batch} | not run: the model's batch dimension is fixed at {input.Shape[0]} | | |");
            continue;
        }

        using var tensor = OrtValue.CreateTensorValueFromMemory(pixels[..(itemLength * batch)], [batch, .. itemShape]);
        float[] Run()
        {
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [input.Name], [tensor], [output.Name]);
            return results[0].GetTensorDataAsSpan<float>().ToArray();
        }

        for (var w = 0; w < 5; w++)
        {
            Run(); // warm: CUDA kernels, cuDNN algorithm search, memory arenas
        }

        var times = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            Run();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(times);
        var median = times[iterations / 2];
        Console.WriteLine(string.Create(invariant, $"| {ExecutionProviderSettings.NameOf(provider)} | {batch} | {median:0.00} | {times[(int)(iterations * 0.9)]:0.00} | {batch * 1000 / median:0} |"));
        outputs[(provider, batch)] = Run();
    }
}

var failed = false;
foreach (var batch in batches.Where(b => outputs.ContainsKey((ExecutionProviderKind.Cpu, b)) && outputs.ContainsKey((ExecutionProviderKind.Cuda, b))))
{
    var (cpu, cuda) = (outputs[(ExecutionProviderKind.Cpu, batch)], outputs[(ExecutionProviderKind.Cuda, batch)]);
    var perItem = cpu.Length / batch;
    var worst = Enumerable.Range(0, batch).Min(k => Cosine(cpu.AsSpan(k * perItem, perItem), cuda.AsSpan(k * perItem, perItem)));
    var agrees = worst >= 0.999;
    failed |= !agrees;
    Console.WriteLine(string.Create(invariant, $"batch {batch}: lowest cosine cuda vs cpu over {batch} outputs {worst:0.000000} ({(agrees ? "agree" : "DISAGREE")}, need >= 0.999)"));
}

return failed ? 1 : 0;

static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
{
    double dot = 0, na = 0, nb = 0;
    for (var i = 0; i < a.Length; i++)
    {
        dot += (double)a[i] * b[i];
        na += (double)a[i] * a[i];
        nb += (double)b[i] * b[i];
    }

    return dot / Math.Sqrt(na * nb);
}
