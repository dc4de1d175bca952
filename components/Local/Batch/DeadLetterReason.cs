using System.Text.Json;

namespace Infra.Local.Batch;

/// <summary>The <c>.reason.json</c> written next to a dead-lettered input: which input, how often delivered, and why it failed.</summary>
public static class DeadLetterReason
{
    /// <summary>For an input the function answered with an error record (a corrupt image, a wrong-shaped tensor request).</summary>
    public static byte[] FromErrorRecord(string bucket, Delivery delivery, FunctionRecord record, DateTimeOffset now)
    {
        using var document = JsonDocument.Parse(record.Content);
        var root = document.RootElement;
        var status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : (int?)null;
        var response = root.TryGetProperty("response", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
        return Write(bucket, delivery, now, writer =>
        {
            writer.WriteString("kind", "error_record");
            if (status is { } code)
            {
                writer.WriteNumber("status", code);
            }

            writer.WriteString("code", Text(response, "code"));
            writer.WriteString("message", Text(response, "error") ?? "The function wrote an error record for this input.");
        }, root);
    }

    /// <summary>For an input whose every delivery failed (it came back in batchItemFailures, or the invocation failed).</summary>
    public static byte[] FromFailedDeliveries(string bucket, Delivery delivery, string lastError, DateTimeOffset now) =>
        Write(bucket, delivery, now, writer =>
        {
            writer.WriteString("kind", "delivery_failed");
            writer.WriteString("message", lastError);
        }, record: null);

    /// <summary>For an input the pipeline refused without delivering it (a key that cannot be a file, a symbolic link).</summary>
    public static byte[] FromRefusal(string bucket, Delivery delivery, string why, DateTimeOffset now) =>
        Write(bucket, delivery, now, writer =>
        {
            writer.WriteString("kind", "refused");
            writer.WriteString("message", why);
        }, record: null);

    private static byte[] Write(string bucket, Delivery delivery, DateTimeOffset now, Action<Utf8JsonWriter> error, JsonElement? record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("input");
            writer.WriteString("bucket", bucket);
            writer.WriteString("key", delivery.Input.Key);
            writer.WriteNumber("size", delivery.Input.Size);
            writer.WriteEndObject();
            writer.WriteString("messageId", delivery.MessageId);
            writer.WriteNumber("deliveries", delivery.ReceiveCount);
            writer.WriteString("deadLetteredAt", now);
            writer.WriteStartObject("error");
            error(writer);
            writer.WriteEndObject();
            if (record is { } value)
            {
                writer.WritePropertyName("record");
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string? Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
