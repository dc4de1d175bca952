namespace Infra.Quantization;

/// <summary>An observed float range of a tensor, widened by each calibration sample.</summary>
internal sealed class TensorRange
{
    public float Min { get; private set; } = float.PositiveInfinity;
    public float Max { get; private set; } = float.NegativeInfinity;

    public bool IsEmpty => Min > Max;

    public void Observe(ReadOnlySpan<float> values)
    {
        foreach (var value in values)
        {
            if (float.IsFinite(value))
            {
                Min = Math.Min(Min, value);
                Max = Math.Max(Max, value);
            }
        }
    }

    public static TensorRange Of(float min, float max)
    {
        var range = new TensorRange();
        range.Observe([min, max]);
        return range;
    }
}

/// <summary>Scale and zero point of an asymmetric uint8 activation: real = (q − zeroPoint) · scale.</summary>
internal readonly record struct ActivationScale(float Scale, byte ZeroPoint)
{
    /// <summary>The range is widened to hold 0, so that zero (padding, ReLU's floor) is exact.</summary>
    public static ActivationScale From(TensorRange range)
    {
        var min = Math.Min(range.IsEmpty ? 0 : range.Min, 0f);
        var max = Math.Max(range.IsEmpty ? 0 : range.Max, 0f);
        var scale = (max - min) / 255f;
        if (scale <= 0 || !float.IsFinite(scale))
        {
            return new ActivationScale(1f, 0);
        }

        return new ActivationScale(scale, (byte)Math.Clamp(MathF.Round(-min / scale), 0, 255));
    }
}

/// <summary>Symmetric int8 weights (zero point 0), per output channel or for the whole tensor.</summary>
internal static class WeightQuantizer
{
    /// <param name="channels">Slices along the quantization axis (1 for per-tensor).</param>
    /// <param name="channelOf">The channel of a flat index.</param>
    /// <param name="maxLevel">127, or 63 for 7-bit weights, which keep AVX2's u8·s8 multiply-add from saturating.</param>
    public static (sbyte[] Values, float[] Scales) Quantize(float[] weights, int channels, Func<int, int> channelOf, int maxLevel)
    {
        var absMax = new float[channels];
        for (var i = 0; i < weights.Length; i++)
        {
            var c = channelOf(i);
            absMax[c] = Math.Max(absMax[c], Math.Abs(weights[i]));
        }

        var scales = absMax.Select(m => m > 0 ? m / maxLevel : 1f).ToArray();
        var values = new sbyte[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            values[i] = (sbyte)Math.Clamp(MathF.Round(weights[i] / scales[channelOf(i)]), -maxLevel, maxLevel);
        }

        return (values, scales);
    }
}
