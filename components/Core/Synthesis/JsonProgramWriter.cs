using System.Text.Json;

namespace Infra.Core.Synthesis;

/// <summary>Writes a rendered program as indented JSON, which Pulumi YAML also accepts.</summary>
public static class JsonProgramWriter
{
    public static string Write(OrderedMap program)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteNode(writer, program);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    internal static void WriteNode(Utf8JsonWriter writer, object? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case long integer:
                writer.WriteNumberValue(integer);
                break;
            case decimal number:
                writer.WriteNumberValue(number);
                break;
            case OrderedMap map:
                writer.WriteStartObject();
                foreach (var (key, value) in map)
                {
                    writer.WritePropertyName(key);
                    WriteNode(writer, value);
                }

                writer.WriteEndObject();
                break;
            case List<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteNode(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new NotSupportedException($"Cannot write a {node.GetType().Name} node.");
        }
    }
}
