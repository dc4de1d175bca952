using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Inference.Protocol;

/// <summary>Writes a JSON response body with Utf8JsonWriter: no reflection, so it is trim and AOT safe.</summary>
public static class JsonBody
{
    /// <summary>
    /// Messages keep their quotes and symbols readable (no \u0027 escapes). The bodies are API and log JSON,
    /// never embedded in HTML, so the relaxed encoder is safe here.
    /// </summary>
    public static JsonWriterOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static ReadOnlyMemory<byte> Write(Action<Utf8JsonWriter> write, int initialCapacity = 256)
    {
        var buffer = new ArrayBufferWriter<byte>(initialCapacity);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return buffer.WrittenMemory;
    }

    public static ReadOnlyMemory<byte> WriteObject(Action<Utf8JsonWriter> writeProperties) => Write(w =>
    {
        w.WriteStartObject();
        writeProperties(w);
        w.WriteEndObject();
    });

    /// <summary>JSON has no NaN or Infinity; they are written as the strings clients commonly accept.</summary>
    public static void WriteFloat(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    public static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            WriteFloat(writer, (double)value);
        }
    }
}
