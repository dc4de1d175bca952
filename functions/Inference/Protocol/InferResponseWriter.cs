using System.Text.Json;
using Inference.Contracts;
using Inference.Sessions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Inference.Protocol;

/// <summary>Writes the Open Inference Protocol v2 infer response without its id: model_name, model_version and outputs.</summary>
public static class InferResponseWriter
{
    public static ReadOnlyMemory<byte> Write(ModelDefinition model, IReadOnlyList<string> names, IReadOnlyList<OrtValue> outputs)
    {
        var capacity = 256;
        foreach (var output in outputs)
        {
            capacity += (int)Math.Min(output.GetTensorTypeAndShape().ElementCount * 12L, 1 << 24);
        }

        return JsonBody.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("model_name", model.Name);
            writer.WriteString("model_version", model.Version);
            writer.WriteStartArray("outputs");
            for (var i = 0; i < outputs.Count; i++)
            {
                WriteTensor(writer, names[i], outputs[i]);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }, capacity);
    }

    private static void WriteTensor(Utf8JsonWriter writer, string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteString("datatype", OnnxTensorTypes.ProtocolNameOf(info.ElementDataType));
        writer.WriteStartArray("shape");
        foreach (var size in info.Shape)
        {
            writer.WriteNumberValue(size);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("data");
        switch (info.ElementDataType)
        {
            case TensorElementType.Float:
                foreach (var v in value.GetTensorDataAsSpan<float>()) JsonBody.WriteFloat(writer, v);
                break;
            case TensorElementType.Double:
                foreach (var v in value.GetTensorDataAsSpan<double>()) JsonBody.WriteFloat(writer, v);
                break;
            case TensorElementType.Int32:
                foreach (var v in value.GetTensorDataAsSpan<int>()) writer.WriteNumberValue(v);
                break;
            case TensorElementType.Int64:
                foreach (var v in value.GetTensorDataAsSpan<long>()) writer.WriteNumberValue(v);
                break;
            default:
                throw new NotSupportedException($"Output '{name}' has element type {info.ElementDataType}, which model.json cannot declare.");
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
