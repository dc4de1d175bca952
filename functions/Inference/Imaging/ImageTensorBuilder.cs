using System.Buffers;
using Inference.Contracts;
using Inference.Protocol;
using SkiaSharp;

namespace Inference.Imaging;

/// <summary>Resizes a decoded image and lays its pixels out as the model's input tensor, as model.json's preprocessing says.</summary>
public sealed class ImageTensorBuilder
{
    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);
    private readonly PreprocessingConfig _config;
    private readonly float[] _multiplier = new float[3];
    private readonly float[] _offset = new float[3];
    private readonly int[] _sourceChannel;

    public ImageTensorBuilder(PreprocessingConfig config)
    {
        _config = config;
        _sourceChannel = config.ChannelOrder == "BGR" ? [2, 1, 0] : [0, 1, 2];
        for (var c = 0; c < 3; c++)
        {
            // (pixel·scale − mean) / std, folded into one multiply-add per value.
            var std = config.Std?[c] ?? 1f;
            var mean = config.Mean?[c] ?? 0f;
            _multiplier[c] = config.Scale / std;
            _offset[c] = -mean / std;
        }
    }

    public PooledTensor Build(SKBitmap image)
    {
        int width = _config.Resize.Width, height = _config.Resize.Height;
        using var resized = image.Width == width && image.Height == height
            ? null
            : image.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul), Sampling);
        var source = resized ?? image;
        var pixels = source.GetPixelSpan();
        var planeSize = width * height;
        var length = planeSize * 3;
        var buffer = ArrayPool<float>.Shared.Rent(length);
        var nchw = _config.Layout == "NCHW";
        for (var p = 0; p < planeSize; p++)
        {
            var rgba = pixels.Slice(p * 4, 4);
            for (var c = 0; c < 3; c++)
            {
                var value = rgba[_sourceChannel[c]] * _multiplier[c] + _offset[c];
                buffer[nchw ? c * planeSize + p : p * 3 + c] = value;
            }
        }

        long[] shape = nchw ? [1, 3, height, width] : [1, height, width, 3];
        return PooledTensor.Create(buffer, length, shape);
    }
}
