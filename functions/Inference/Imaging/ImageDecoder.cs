using System.Runtime.InteropServices;
using Inference.Protocol;
using SkiaSharp;

namespace Inference.Imaging;

/// <summary>
/// Decodes JPEG, PNG and WebP bytes with SkiaSharp into RGBA pixels. The header's dimensions are checked
/// before any pixel is decoded, so a small file declaring a huge image (a decompression bomb) costs nothing.
/// </summary>
public sealed class ImageDecoder(long maxPixels)
{
    public long MaxPixels { get; } = maxPixels;

    public SKBitmap Decode(ReadOnlyMemory<byte> bytes)
    {
        var stream = MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
        using var codec = SKCodec.Create(stream, out var result); // the codec owns and disposes the stream
        if (codec is null)
        {
            throw result == SKCodecResult.IncompleteInput
                ? Truncated()
                : ApiException.BadRequest(ErrorCodes.InvalidImage, $"The body is not a JPEG, PNG or WebP image ({result}).");
        }

        if (codec.EncodedFormat is not (SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Png or SKEncodedImageFormat.Webp))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidImage, $"The body is a {codec.EncodedFormat} image; only JPEG, PNG and WebP are accepted.");
        }

        var width = codec.Info.Width;
        var height = codec.Info.Height;
        if (width < 1 || height < 1 || (long)width * height > MaxPixels)
        {
            throw ApiException.BadRequest(ErrorCodes.ImageTooLarge,
                $"The image declares {width}×{height} pixels; at most {MaxPixels} pixels are accepted.");
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        var decoded = codec.GetPixels(info, bitmap.GetPixels());
        if (decoded == SKCodecResult.Success)
        {
            return bitmap;
        }

        bitmap.Dispose();
        throw decoded == SKCodecResult.IncompleteInput
            ? Truncated()
            : ApiException.BadRequest(ErrorCodes.InvalidImage, $"The image data is corrupt ({decoded}).");
    }

    private static ApiException Truncated() =>
        ApiException.BadRequest(ErrorCodes.TruncatedImage, "The image is truncated: its data ends before the image does.");
}
