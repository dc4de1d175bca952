using System.Globalization;
using System.Numerics;
using Infra.Hosting;

namespace Infra.Quantization;

/// <summary>
/// The <c>quantize</c> verb of its own host (Program.cs): an FP32 model (its model.json) in, an INT8 model with its model.json
/// out, and the size, latency and accuracy it measured against the FP32 model in the same run.
/// </summary>
public sealed class QuantizeCommand : IHostCommand
{
    private static readonly string[] AllOptions =
        ["out", "method", "calibration", "evaluation", "calibration-count", "evaluation-count", "version", "percentile", "weight-bits", "threads", "rounds", "min-accuracy"];

    public string Name => "quantize";

    public string Summary => "FP32 ONNX model to INT8 (static QDQ calibrated on images for Conv models, dynamic for MatMul/Gemm); reports size, latency and accuracy ratios";

    public string Usage =>
        "quantize <model.json> --out DIR [--method static|dynamic] [--calibration DIR] [--evaluation DIR] [--calibration-count N] [--evaluation-count N]\n" +
        "         [--version V] [--percentile P] [--weight-bits 7|8] [--threads N] [--rounds N] [--min-accuracy X]";

    public IReadOnlyCollection<string> Options => AllOptions;

    public bool TakesArguments => true;

    public int Run(HostInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var line = invocation.CommandLine;
        if (line.Arguments.Count != 1 || line.Option("out") is not { Length: > 0 } output)
        {
            invocation.Error.WriteLine(line.Arguments.Count != 1
                ? $"error: quantize takes one model.json; got '{string.Join(' ', line.Arguments)}'"
                : "error: quantize needs --out DIR, a new folder for the INT8 model and its model.json");
            invocation.Error.WriteLine($"usage: {Usage}");
            return ExitCodes.Usage;
        }

        try
        {
            var request = new QuantizationRequest
            {
                ModelConfigPath = line.Arguments[0],
                OutputDirectory = output,
                Method = line.Option("method"),
                CalibrationFolder = line.Option("calibration"),
                EvaluationFolder = line.Option("evaluation"),
                CalibrationLimit = Number(line, "calibration-count", 32, 1, 10_000),
                EvaluationLimit = Number(line, "evaluation-count", 100, 1, 100_000),
                Version = line.Option("version"),
                CalibrationPercentile = Number(line, "percentile", 99.999, 99.0, 100.0),
                WeightBits = Number(line, "weight-bits", 7, 7, 8),
                Threads = Number(line, "threads", 1, 1, 64),
                LatencyRounds = Number(line, "rounds", 40, 1, 10_000),
            };
            var minimum = line.Option("min-accuracy") is null ? (double?)null : Number(line, "min-accuracy", 0.0, -1.0, 1.0);
            var result = ModelQuantizer.Quantize(request, invocation.Error);
            Report(result, invocation.Out);
            if (minimum is { } bound && result.Measurement.MeanAccuracy < bound)
            {
                invocation.Error.WriteLine($"error: mean {result.Measurement.Metric} {result.Measurement.MeanAccuracy:F4} is below --min-accuracy {bound}; " +
                    "the files were written for inspection, but do not push this version");
                return ExitCodes.Failed;
            }

            return ExitCodes.Success;
        }
        catch (QuantizationException error)
        {
            invocation.Error.WriteLine($"error: {error.Message}");
            return ExitCodes.Failed;
        }
    }

    private static void Report(QuantizationResult result, TextWriter output)
    {
        var m = result.Measurement;
        var q = result.Config.Quantization!;
        output.WriteLine($"wrote {result.ModelPath} and {result.ModelConfigPath} (version {result.Config.Version})");
        output.WriteLine($"method      {q.Method}: {result.QuantizedNodes} ops quantized" +
            (q.Calibration is { } c ? $", calibrated on {c.Samples} inputs from {c.Source} (set sha256 {c.SetSha256[..12]}…)" : ""));
        output.WriteLine(Invariant($"size        {m.QuantizedBytes:N0} / {m.SourceBytes:N0} bytes = {m.SizeRatio:F3}x"));
        output.WriteLine(Invariant($"latency     median {m.QuantizedMedianMs:F2} / {m.SourceMedianMs:F2} ms = {m.LatencyRatio:F3}x ({m.LatencyRounds} interleaved rounds, {m.Threads} thread(s); {CpuFeatures.Describe()})"));
        output.WriteLine(Invariant($"accuracy    {m.Metric} vs FP32 on {m.EvaluationSamples} held-out inputs: mean {m.MeanAccuracy:F4}, worst {m.WorstAccuracy:F4}"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>An option's number within [min, max], or <paramref name="fallback"/> when it is absent.</summary>
    private static T Number<T>(CommandLine line, string option, T fallback, T min, T max)
        where T : struct, INumber<T>
    {
        if (line.Option(option) is not { } text)
        {
            return fallback;
        }

        var whole = T.CreateTruncating(0.5) == T.Zero; // an integer type
        return T.TryParse(text, whole ? NumberStyles.None : NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new QuantizationException(Invariant($"--{option} {text}: allowed: {(whole ? "a whole number" : "a number")} from {min} to {max}"));
    }
}
