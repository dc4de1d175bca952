using SkiaSharp;

namespace TestModels;

/// <summary>Rendered text lines: what PP-OCR's direction classifier labels "0" (upright) or "180" (turned).</summary>
internal static class TextLines
{
    public static byte[] Png(string text, bool upsideDown)
    {
        using var bitmap = new SKBitmap(384, 96);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        if (upsideDown)
        {
            canvas.RotateDegrees(180, 192, 48);
        }

        using var font = new SKFont(SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default, 56);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(text, 12, 70, SKTextAlign.Left, font, paint);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 90);
        return data.ToArray();
    }

    /// <summary>An Open Inference Protocol request for ppocr-cls with the given tensor shape, all zeros.</summary>
    public static string TensorRequest(int batch, int channels, int height, int width) =>
        $$"""{"inputs":[{"name":"x","shape":[{{batch}},{{channels}},{{height}},{{width}}],"datatype":"FP32","data":[{{string.Join(",", Enumerable.Repeat("0", batch * channels * height * width))}}]}]}""";
}
