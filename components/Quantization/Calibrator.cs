using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Infra.Quantization;

/// <summary>
/// Measures activation ranges: the FP32 model, with the tensors to quantize exposed as extra graph outputs, runs on
/// every calibration sample in ONNX Runtime. A first pass finds each tensor's min and max; a second fills a histogram
/// over that span and keeps the range that holds <c>percentile</c> % of the values, so that a few outliers do not
/// stretch the scale (and coarsen every other value) of a whole tensor. 100 keeps min and max.
/// </summary>
internal static class Calibrator
{
    private const int HistogramBins = 4096;

    public static Dictionary<string, TensorRange> Calibrate(ModelProto model, IReadOnlyList<string> tensors, IReadOnlyList<SampleInput> samples,
        double percentile)
    {
        if (samples.Count == 0)
        {
            throw new QuantizationException("static quantization needs calibration inputs, and none were given");
        }

        var exposed = model.Clone();
        var existing = exposed.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = exposed.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in tensors.Where(t => !existing.Contains(t) && !inputs.Contains(t)))
        {
            exposed.Graph.Output.Add(new ValueInfoProto
            {
                Name = tensor,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        }

        var ranges = tensors.ToDictionary(t => t, _ => new TensorRange(), StringComparer.Ordinal);
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        using var session = new InferenceSession(exposed.ToByteArray(), options);
        var outputNames = tensors.Where(t => !inputs.Contains(t)).ToArray();
        ForEachTensor(session, samples, outputNames, ranges.ContainsKey, (name, values) => ranges[name].Observe(values));
        if (percentile >= 100)
        {
            return ranges;
        }

        var histograms = ranges.Where(r => !r.Value.IsEmpty).ToDictionary(r => r.Key, r => new Histogram(r.Value), StringComparer.Ordinal);
        ForEachTensor(session, samples, outputNames, histograms.ContainsKey, (name, values) => histograms[name].Add(values));
        return tensors.ToDictionary(t => t, t => histograms.TryGetValue(t, out var h) ? h.Range(percentile) : ranges[t], StringComparer.Ordinal);
    }

    private static void ForEachTensor(InferenceSession session, IReadOnlyList<SampleInput> samples, string[] outputNames,
        Func<string, bool> wanted, Action<string, ReadOnlySpan<float>> observe)
    {
        foreach (var sample in samples)
        {
            foreach (var input in sample.Tensors.Where(t => wanted(t.Name)))
            {
                observe(input.Name, input.Data);
            }

            var values = sample.Tensors.Select(t => t.ToOrtValue()).ToList();
            try
            {
                using var outputs = session.Run(new RunOptions(), [.. sample.Tensors.Select(t => t.Name)], values, outputNames);
                for (var i = 0; i < outputNames.Length; i++)
                {
                    if (wanted(outputNames[i]))
                    {
                        observe(outputNames[i], outputs[i].GetTensorDataAsSpan<float>());
                    }
                }
            }
            finally
            {
                values.ForEach(v => v.Dispose());
            }
        }
    }

    /// <summary>Counts of a tensor's values in equal bins between its observed min and max.</summary>
    private sealed class Histogram(TensorRange span)
    {
        private readonly long[] _counts = new long[HistogramBins];
        private readonly float _width = Math.Max(span.Max - span.Min, float.Epsilon) / HistogramBins;

        public void Add(ReadOnlySpan<float> values)
        {
            foreach (var value in values)
            {
                if (float.IsFinite(value))
                {
                    _counts[Math.Clamp((int)((value - span.Min) / _width), 0, HistogramBins - 1)]++;
                }
            }
        }

        /// <summary>The narrowest bins-aligned range that leaves out at most (100 − percentile)/2 % of the values on each side.</summary>
        public TensorRange Range(double percentile)
        {
            var total = _counts.Sum();
            var tail = (long)(total * (100 - percentile) / 200);
            int low = 0, high = HistogramBins - 1;
            for (long below = 0; low < high && below + _counts[low] <= tail; low++)
            {
                below += _counts[low];
            }

            for (long above = 0; high > low && above + _counts[high] <= tail; high--)
            {
                above += _counts[high];
            }

            return TensorRange.Of(span.Min + low * _width, span.Min + (high + 1) * _width);
        }
    }
}
