using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Infra.Quantization;

/// <summary>What the quantized model measured against its FP32 source in one run.</summary>
public sealed record QuantizationMeasurement
{
    public required long SourceBytes { get; init; }
    public required long QuantizedBytes { get; init; }
    public double SizeRatio => (double)QuantizedBytes / SourceBytes;

    public required double SourceMedianMs { get; init; }
    public required double QuantizedMedianMs { get; init; }
    public double LatencyRatio => QuantizedMedianMs / SourceMedianMs;
    public required int LatencyRounds { get; init; }
    public required int Threads { get; init; }

    /// <summary><c>cosine</c> or <c>top1Agreement</c>.</summary>
    public required string Metric { get; init; }
    public required double MeanAccuracy { get; init; }
    public required double WorstAccuracy { get; init; }
    public required int EvaluationSamples { get; init; }
}

/// <summary>
/// Compares an FP32 model and its quantized version: output agreement on held-out inputs, and latency measured in the
/// same process, alternating the two models run by run (ABBA) so that a noisy, shared machine slows both alike.
/// </summary>
internal static class QuantizationEvaluator
{
    private const int WarmupRuns = 5;

    /// <param name="outputName">The output compared: model.json's postprocessing output, else the first.</param>
    /// <param name="classifier">True: top-1 agreement; false: cosine similarity.</param>
    public static QuantizationMeasurement Measure(string sourcePath, byte[] quantizedModel, string outputName, bool classifier,
        IReadOnlyList<SampleInput> evaluation, int threads, int rounds)
    {
        // The function's own session options. Their idle threads sleep: two spinning pools, run alternately, would each
        // slow the other's runs (at 2 threads the FP32 model took 70 ms instead of about 24).
        using var options = new Inference.Sessions.SessionSettings(threads).CreateOptions();
        using var source = new InferenceSession(sourcePath, options);
        InferenceSession quantized;
        try
        {
            quantized = new InferenceSession(quantizedModel, options);
        }
        catch (OnnxRuntimeException error)
        {
            throw new QuantizationException($"ONNX Runtime refused the quantized graph (a bug in the rewrite, please report it): {error.Message}", error);
        }

        using (quantized)
        {
            var scores = evaluation.Select(sample =>
            {
                var expected = Run(source, sample, outputName);
                var actual = Run(quantized, sample, outputName);
                return classifier ? (ArgMax(expected) == ArgMax(actual) ? 1.0 : 0.0) : Cosine(expected, actual);
            }).ToList();

            var (sourceMs, quantizedMs) = Latency(source, quantized, evaluation[0], outputName, rounds);
            return new QuantizationMeasurement
            {
                SourceBytes = new FileInfo(sourcePath).Length,
                QuantizedBytes = quantizedModel.Length,
                SourceMedianMs = sourceMs,
                QuantizedMedianMs = quantizedMs,
                LatencyRounds = rounds,
                Threads = threads,
                Metric = classifier ? "top1Agreement" : "cosine",
                MeanAccuracy = scores.Average(),
                WorstAccuracy = scores.Min(),
                EvaluationSamples = scores.Count,
            };
        }
    }

    private static (double Source, double Quantized) Latency(InferenceSession source, InferenceSession quantized, SampleInput sample, string outputName, int rounds)
    {
        for (var i = 0; i < WarmupRuns; i++)
        {
            Run(source, sample, outputName);
            Run(quantized, sample, outputName);
        }

        var sourceTimes = new List<double>(rounds);
        var quantizedTimes = new List<double>(rounds);
        for (var round = 0; round < rounds; round++)
        {
            // ABBA: each model goes first in half the rounds.
            if (round % 2 == 0)
            {
                sourceTimes.Add(Time(source, sample, outputName));
                quantizedTimes.Add(Time(quantized, sample, outputName));
            }
            else
            {
                quantizedTimes.Add(Time(quantized, sample, outputName));
                sourceTimes.Add(Time(source, sample, outputName));
            }
        }

        return (Median(sourceTimes), Median(quantizedTimes));
    }

    private static double Time(InferenceSession session, SampleInput sample, string outputName)
    {
        var start = Stopwatch.GetTimestamp();
        Run(session, sample, outputName);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static float[] Run(InferenceSession session, SampleInput sample, string outputName)
    {
        var values = sample.Tensors.Select(t => t.ToOrtValue()).ToList();
        try
        {
            using var outputs = session.Run(new RunOptions(), [.. sample.Tensors.Select(t => t.Name)], values, [outputName]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }

    internal static double Cosine(float[] a, float[] b)
    {
        double dot = 0, normA = 0, normB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            normA += (double)a[i] * a[i];
            normB += (double)b[i] * b[i];
        }

        return normA == 0 || normB == 0 ? (normA == normB ? 1 : 0) : dot / Math.Sqrt(normA * normB);
    }

    private static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
