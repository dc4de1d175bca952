using SkiaSharp;

namespace Inference.Tests;

/// <summary>Images generated in code: nothing binary is committed.</summary>
internal static class TestImages
{
    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 90)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>A colourful gradient with a circle, so different images give different embeddings.</summary>
    public static byte[] Gradient(int width, int height, SKEncodedImageFormat format, SKColor circle)
    {
        using var bitmap = new SKBitmap(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint();
        paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
            [SKColors.DarkBlue, SKColors.Orange], SKShaderTileMode.Clamp);
        canvas.DrawRect(0, 0, width, height, paint);
        paint.Shader = null;
        paint.Color = circle;
        canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 3f, paint);
        return Encode(bitmap, format);
    }

    /// <summary>A line of black text on white, as the PP-OCR direction classifier expects, optionally turned by 180°.</summary>
    public static byte[] TextLine(string text, bool upsideDown, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        const int width = 384, height = 96;
        using var bitmap = new SKBitmap(width, height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        if (upsideDown)
        {
            canvas.RotateDegrees(180, width / 2f, height / 2f);
        }

        using var typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var font = new SKFont(typeface, 56);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(text, 12, 70, SKTextAlign.Left, font, paint);
        return Encode(bitmap, format);
    }

    /// <summary>A PNG whose header declares the given size; its pixel data is one tiny deflate stream, never decoded.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var small = Gradient(8, 8, SKEncodedImageFormat.Png, SKColors.Red);
        // IHDR starts at byte 16: width and height are big-endian 32-bit numbers.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(small.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(small.AsSpan(20), height);
        // Fix the IHDR CRC (over type and data, bytes 12..29) so the header is valid.
        var crc = System.IO.Hashing.Crc32.HashToUInt32(small.AsSpan(12, 17));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(small.AsSpan(29), crc);
        return small;
    }
}
