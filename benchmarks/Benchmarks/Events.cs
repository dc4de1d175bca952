using System.Globalization;
using System.Text;
using System.Text.Json;
using SkiaSharp;

namespace Benchmarks;

/// <summary>The events the benchmarks send, built by code (no stored binaries).</summary>
internal static class Events
{
    /// <summary>An Open Inference Protocol request body for the given FP32 tensor.</summary>
    public static string InferBody(string inputName, int[] shape, float[] data)
    {
        var body = new StringBuilder(data.Length * 8);
        body.Append("{\"inputs\":[{\"name\":\"").Append(inputName).Append("\",\"shape\":[").AppendJoin(',', shape)
            .Append("],\"datatype\":\"FP32\",\"data\":[");
        for (var i = 0; i < data.Length; i++)
        {
            body.Append(i == 0 ? string.Empty : ",").Append(data[i].ToString("R", CultureInfo.InvariantCulture));
        }

        body.Append("]}]}");
        return body.ToString();
    }

    /// <summary>An HTTP API (v2) event carrying an Open Inference Protocol request.</summary>
    public static byte[] InferEvent(string model, string body) =>
        HttpApiEvent("POST", $"/v2/models/{model}/infer", "application/json", body, isBase64: false);

    public static byte[] PredictEvent(string model, byte[] image, string contentType) =>
        HttpApiEvent("POST", $"/v2/models/{model}/predict", contentType, Convert.ToBase64String(image), isBase64: true);

    /// <summary>Values like a normalised image tensor, rounded to 3 decimals as a typical client sends them.</summary>
    public static float[] Tensor(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (float)Math.Round(random.NextDouble() * 4 - 2, 3))];
    }

    public static byte[] Jpeg(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var paint = new SKPaint { Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height), [SKColors.Orange, SKColors.Navy], SKShaderTileMode.Clamp) };
            canvas.DrawRect(0, 0, width, height, paint);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    private static byte[] HttpApiEvent(string method, string path, string contentType, string body, bool isBase64)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("version", "2.0");
            writer.WriteString("routeKey", "$default");
            writer.WriteString("rawPath", path);
            writer.WriteString("rawQueryString", string.Empty);
            writer.WriteStartObject("headers");
            writer.WriteString("content-type", contentType);
            writer.WriteEndObject();
            writer.WriteStartObject("requestContext");
            writer.WriteString("stage", "$default");
            writer.WriteStartObject("http");
            writer.WriteString("method", method);
            writer.WriteString("path", path);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteString("body", body);
            writer.WriteBoolean("isBase64Encoded", isBase64);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
