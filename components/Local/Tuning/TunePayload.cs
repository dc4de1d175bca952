using System.Text.Json;
using Inference.Contracts;
using Infra.Local.Gateway;
using Infra.Local.StackReading;

namespace Infra.Local.Tuning;

/// <summary>
/// The event every measured invocation sends: the REST proxy event the API's route would hand the function (the
/// same one <c>serve</c>'s gateway builds). For a model with preprocessing, the image POSTed to <c>/predict</c>; for any
/// other, an Open Inference Protocol <c>/infer</c> request with a tensor of each declared input (dynamic dimensions as 1).
/// </summary>
public static class TunePayload
{
    public static byte[] For(LocalApi api, ModelDefinition model, byte[]? image, string? imageContentType)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(model);
        if (model.Config.Preprocessing is not null)
        {
            if (image is null || imageContentType is null)
            {
                throw new ServeException($"model '{model.Name}' takes images (model.json has 'preprocessing'): give one with --input FILE (.jpg, .png or .webp)");
            }

            return ProxyEvent(api, $"/v2/models/{model.Name}/predict", imageContentType, image);
        }

        return ProxyEvent(api, $"/v2/models/{model.Name}/infer", "application/json", System.Text.Encoding.UTF8.GetBytes(InferBody(model)));
    }

    private static byte[] ProxyEvent(LocalApi api, string path, string contentType, byte[] body)
    {
        var match = new RouteTable(api.Routes).Match("POST", path)
            ?? throw new ServeException($"{api.Path} has no POST route for {path}, so tune cannot reach the model through it");
        var request = new GatewayRequest("POST", path, [], [KeyValuePair.Create("Content-Type", contentType)], body, "127.0.0.1");
        return ProxyEvents.ToEvent(request, api, match, Guid.NewGuid().ToString(), apiKey: null, DateTimeOffset.UtcNow);
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
}
