using System.Text.Json;

namespace InferenceFunction.Events;

/// <summary>
/// The JSON record written for one input object: its source, the route, the status, and the
/// service's JSON answer (the prediction, or the error naming the problem).
/// </summary>
public static class BatchRecord
{
    public static byte[] Write(string bucket, string key, string? versionId, string route, int statusCode, string? contentType, ReadOnlySpan<byte> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("outcome", statusCode is >= 200 and < 300 ? "result" : "error");
            writer.WriteStartObject("input");
            writer.WriteString("bucket", bucket);
            writer.WriteString("key", key);
            if (versionId is not null)
            {
                writer.WriteString("versionId", versionId);
            }

            writer.WriteEndObject();
            writer.WriteString("route", route);
            writer.WriteNumber("status", statusCode);
            writer.WritePropertyName("response");
            if (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && body.Length > 0)
            {
                writer.WriteRawValue(body);
            }
            else
            {
                writer.WriteBase64StringValue(body);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
