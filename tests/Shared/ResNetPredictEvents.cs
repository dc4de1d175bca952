using SkiaSharp;

namespace TestModels;

/// <summary>A small generated PNG and the Lambda function URL (v2) event that asks ResNet18 to embed it.</summary>
internal static class ResNetPredictEvents
{
    public static byte[] Png()
    {
        using var bitmap = new SKBitmap(64, 48);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.SkyBlue);
            using var paint = new SKPaint { Color = SKColors.DarkGreen };
            canvas.DrawCircle(32, 24, 15, paint);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static string Predict(byte[] png) => $$$"""
        {"version":"2.0","rawPath":"/v2/models/resnet18/predict","headers":{"content-type":"image/png"},
         "requestContext":{"stage":"$default","http":{"method":"POST","path":"/v2/models/resnet18/predict"}},
         "body":"{{{Convert.ToBase64String(png)}}}","isBase64Encoded":true}
        """;
}
