using System.Text.Json;
using Inference.Configuration;

namespace Infra.Local.Tuning;

/// <summary>
/// The event every measured invocation sends, as an HTTP API (v2) event: for a model with preprocessing, the image
/// POSTed to <c>/predict</c>; for any other, an Open Inference Protocol <c>/infer</c> request with a tensor of each
/// declared input (dynamic dimensions as 1).
/// </summary>
public static class TunePayload
{
    public static byte[] For(ModelDefinition model, byte[]? image, string? imageContentType)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Config.Preprocessing is not null)
        {
            if (image is null || imageContentType is null)
            {
                throw new ServeException($"model '{model.Name}' takes images (model.json has 'preprocessing'): give one with --input FILE (.jpg, .png or .webp)");
            }

            return HttpEvent($"/v2/models/{model.Name}/predict", imageContentType, Convert.ToBase64String(image), isBase64: true);
        }

        return HttpEvent($"/v2/models/{model.Name}/infer", "application/json", InferBody(model), isBase64: false);
    }

    private static string InferBody(ModelDefinition model)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("inputs");
            foreach (var input in model.Inputs)
            {
                var shape = input.Shape.Select(d => Math.Max(d, 1)).ToArray();
                writer.WriteStartObject();
                writer.WriteString("name", input.Name);
                writer.WriteStartArray("shape");
                foreach (var dimension in shape)
                {
                    writer.WriteNumberValue(dimension);
                }

                writer.WriteEndArray();
                writer.WriteString("datatype", input.Datatype.ToProtocolName());
                writer.WriteStartArray("data");
                var count = shape.Aggregate(1L, (a, b) => a * b);
                var value = input.Datatype is TensorDatatype.FP32 or TensorDatatype.FP64 ? 0.5 : 0;
                for (var i = 0L; i < count; i++)
                {
                    writer.WriteNumberValue(value);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static byte[] HttpEvent(string path, string contentType, string body, bool isBase64)
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
            writer.WriteString("method", "POST");
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
