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

    /// <summary>
    /// Adds <c>"id"</c> as the last property of a JSON object body. Answers are built and cached without their
    /// per-request id, so a fresh answer and a cached one go through this same step and come out byte for byte alike.
    /// </summary>
    public static ReadOnlyMemory<byte> WithId(ReadOnlyMemory<byte> bodyWithoutId, string id)
    {
        var encodedId = JsonEncodedText.Encode(id, Options.Encoder).EncodedUtf8Bytes;
        var source = bodyWithoutId.Span;
        if (source is not [(byte)'{', .., (byte)'}'])
        {
            throw new ArgumentException("The body must be a JSON object.", nameof(bodyWithoutId));
        }

        var separator = source.Length > 2 ? ",\"id\":\""u8 : "\"id\":\""u8;
        var closing = "\"}"u8;
        var body = new byte[source.Length - 1 + separator.Length + encodedId.Length + closing.Length];
        var rest = body.AsSpan();
        source[..^1].CopyTo(rest);
        rest = rest[(source.Length - 1)..];
        separator.CopyTo(rest);
        rest = rest[separator.Length..];
        encodedId.CopyTo(rest);
        closing.CopyTo(rest[encodedId.Length..]);
        return body;
    }

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
