using System.Buffers.Binary;

namespace Inference.Imaging;

/// <summary>
/// The size a PNG declares in its IHDR chunk, read before SkiaSharp sees the file: libpng refuses a width or height of 0 or
/// above its limit while reading the header, and SkiaSharp then reports that as incomplete input, as if the file were cut.
/// </summary>
internal static class PngHeader
{
    /// <summary>libpng's default per-side limit (PNG_USER_WIDTH_MAX and PNG_USER_HEIGHT_MAX), which SkiaSharp's build keeps.</summary>
    public const int MaxSide = 1_000_000;

    /// <summary>The PNG specification's largest width or height: 2^31 − 1.</summary>
    public const uint MaxSpecifiedSide = int.MaxValue;

    /// <returns>False when the bytes end before the IHDR's width and height, or the first chunk is not IHDR.</returns>
    public static bool TryReadSize(ReadOnlySpan<byte> png, out uint width, out uint height)
    {
        // Signature (8 bytes), then the first chunk: length (4), type "IHDR" (4), width (4), height (4), all big-endian.
        if (png.Length < 24 || !png[12..16].SequenceEqual("IHDR"u8))
        {
            width = height = 0;
            return false;
        }

        width = BinaryPrimitives.ReadUInt32BigEndian(png[16..20]);
        height = BinaryPrimitives.ReadUInt32BigEndian(png[20..24]);
        return true;
    }
}
