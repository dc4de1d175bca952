using System.Runtime.InteropServices;
using Inference.Protocol;
using SkiaSharp;

namespace Inference.Imaging;

/// <summary>
/// Decodes JPEG, PNG and WebP bytes with SkiaSharp into upright RGBA pixels. The header's dimensions are checked
/// before any pixel is decoded, so a small file declaring a huge image (a decompression bomb) costs nothing.
/// </summary>
public sealed class ImageDecoder(long maxPixels)
{
    public long MaxPixels { get; } = maxPixels;

    /// <summary>
    /// Decodes the image. When the codec can scale while decoding (JPEG, WebP) and the image is larger than
    /// <paramref name="minWidth"/>×<paramref name="minHeight"/>, it decodes at the smallest scale still at least
    /// that large: far less work for a photo that will be resized to a few hundred pixels anyway.
    /// </summary>
    public SKBitmap Decode(ReadOnlyMemory<byte> bytes, int minWidth, int minHeight)
    {
        if (!HasKnownSignature(bytes.Span))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidImage, "The body does not start like a JPEG, PNG or WebP file.");
        }

        CheckPngHeader(bytes.Span);
        var stream = MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
        using var codec = SKCodec.Create(stream, out var result); // the codec owns and disposes the stream
        if (codec is null)
        {
            throw result == SKCodecResult.IncompleteInput
                ? Truncated()
                : ApiException.BadRequest(ErrorCodes.InvalidImage, $"The image cannot be read ({result}).");
        }

        CheckSize(codec.Info.Width, codec.Info.Height);

        var origin = codec.EncodedOrigin;
        var size = ImageOrientation.SwapsAxes(origin)
            ? DecodeSize(codec, minHeight, minWidth)
            : DecodeSize(codec, minWidth, minHeight);
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        var decoded = codec.GetPixels(info, bitmap.GetPixels());
        if (decoded == SKCodecResult.Success)
        {
            return ImageOrientation.Apply(bitmap, origin);
        }

        bitmap.Dispose();
        throw decoded == SKCodecResult.IncompleteInput
            ? Truncated()
            : ApiException.BadRequest(ErrorCodes.InvalidImage, $"The image data is corrupt ({decoded}).");
    }

    /// <summary>
    /// Loads SkiaSharp's native library and runs the JPEG decode path once on a tiny image, so that the first
    /// /predict does not pay for it. The host runs this on another thread while the model's session is created.
    /// </summary>
    public static void WarmUp()
    {
        using var source = new SKBitmap(16, 16);
        source.Erase(SKColors.Gray);
        using var jpeg = source.Encode(SKEncodedImageFormat.Jpeg, 80);
        using var decoded = new ImageDecoder(256).Decode(jpeg.ToArray(), 8, 8);
    }

    /// <summary>
    /// A PNG's declared size is checked before SkiaSharp reads it: SkiaSharp cannot open a PNG whose header libpng refuses
    /// (a side of 0 or above 1,000,000) and calls that a truncated file, which is not what is wrong with it.
    /// </summary>
    private void CheckPngHeader(ReadOnlySpan<byte> bytes)
    {
        if (!bytes.StartsWith(PngSignature) || !PngHeader.TryReadSize(bytes, out var width, out var height))
        {
            return; // not a PNG, or cut inside its header: SkiaSharp says which
        }

        if (width > PngHeader.MaxSpecifiedSide || height > PngHeader.MaxSpecifiedSide)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidImage,
                $"The PNG header declares {width}×{height} pixels; a PNG's width and height are at most {PngHeader.MaxSpecifiedSide}.");
        }

        CheckSize(width, height);
    }

    private void CheckSize(long width, long height)
    {
        if (width < 1 || height < 1)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidImage, $"The image declares {width}×{height} pixels; an image has at least 1×1.");
        }

        // The per-side limit is libpng's; JPEG (65,535) and WebP (16,383) stop below it.
        if (width * height > MaxPixels || width > PngHeader.MaxSide || height > PngHeader.MaxSide)
        {
            throw ApiException.BadRequest(ErrorCodes.ImageTooLarge,
                $"The image declares {width}×{height} pixels; at most {MaxPixels} pixels, and {PngHeader.MaxSide} per side, are accepted.");
        }
    }

    /// <summary>JPEG decoders scale by eighths; the smallest eighth still covering the target wins.</summary>
    private static SKSizeI DecodeSize(SKCodec codec, int minWidth, int minHeight)
    {
        for (var eighths = 1; eighths < 8; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (scaled.Width >= minWidth && scaled.Height >= minHeight)
            {
                return scaled;
            }
        }

        return codec.Info.Size;
    }

    /// <summary>The magic bytes, checked first so that a short non-image is not mistaken for a truncated image.</summary>
    private static bool HasKnownSignature(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])
        || bytes.StartsWith(PngSignature)
        || (bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8));

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static ApiException Truncated() =>
        ApiException.BadRequest(ErrorCodes.TruncatedImage, "The image is truncated: its data ends before the image does.");
}
