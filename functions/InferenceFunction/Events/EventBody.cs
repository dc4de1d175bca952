using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceFunction.Events;

/// <summary>
/// An HTTP event's body as UTF-8 bytes, read straight from the event JSON. Inference bodies run to
/// megabytes, so the body never becomes a .NET string, and base64 is decoded in place.
/// </summary>
[JsonConverter(typeof(EventBodyConverter))]
public sealed class EventBody
{
    private readonly byte[] _buffer;
    private readonly int _length;

    public EventBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    public ReadOnlyMemory<byte> Utf8 => _buffer.AsMemory(0, _length);

    /// <summary>Decodes base64 over the buffer this body owns; call once, instead of <see cref="Utf8"/>.</summary>
    public ReadOnlyMemory<byte> DecodeBase64()
    {
        var status = Base64.DecodeFromUtf8InPlace(_buffer.AsSpan(0, _length), out var written);
        return status == OperationStatus.Done
            ? _buffer.AsMemory(0, written)
            : throw new InvalidEventBodyException("The event says isBase64Encoded=true but its body is not valid base64.");
    }
}

/// <summary>Reads a JSON string into <see cref="EventBody"/> without a UTF-16 round trip.</summary>
public sealed class EventBodyConverter : JsonConverter<EventBody>
{
    public override EventBody Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("An HTTP event's body must be a string.");
        }

        var escapedLength = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var buffer = new byte[escapedLength];
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            reader.ValueSpan.CopyTo(buffer);
            return new EventBody(buffer, escapedLength);
        }

        return new EventBody(buffer, reader.CopyString(buffer));
    }

    public override void Write(Utf8JsonWriter writer, EventBody value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Utf8.Span);
}
