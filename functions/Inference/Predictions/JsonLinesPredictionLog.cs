using System.Text.Encodings.Web;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;

namespace Inference.Predictions;

/// <summary>
/// The predictions log as a JSON-lines file for local runs (PREDICTIONS_LOG_FILE): one JSON object per line with the
/// same fields and values as the table's item (<see cref="PredictionLogItem"/>), never a payload. Several function
/// processes may share the file: each line is appended under an exclusive lock on the file, so lines never interleave.
/// </summary>
public sealed class JsonLinesPredictionLog(string path, TimeSpan ttl, TimeProvider time) : IPredictionLog
{
    public Task WriteAsync(PredictionLogEntry entry, CancellationToken cancellationToken)
    {
        var line = LineFor(PredictionLogItem.For(entry, time.GetUtcNow(), ttl));
        return ExclusiveFileLock.RunAsync(async () =>
        {
            await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None);
            await file.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>One item as a line of JSON: strings stay strings, numbers are written as DynamoDB holds them.</summary>
    public static byte[] LineFor(Dictionary<string, AttributeValue> item)
    {
        using var buffer = new MemoryStream();
        // The file is read by people and tools, never embedded in HTML: keep "+00:00" and non-ASCII labels readable.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteMap(writer, item);
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteMap(Utf8JsonWriter writer, Dictionary<string, AttributeValue> map)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in map)
        {
            writer.WritePropertyName(name);
            WriteValue(writer, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, AttributeValue value)
    {
        if (value.S is not null)
        {
            writer.WriteStringValue(value.S);
        }
        else if (value.N is not null)
        {
            writer.WriteRawValue(value.N);
        }
        else if (value.L is not null)
        {
            writer.WriteStartArray();
            foreach (var element in value.L)
            {
                WriteValue(writer, element);
            }

            writer.WriteEndArray();
        }
        else if (value.M is not null)
        {
            WriteMap(writer, value.M);
        }
        else
        {
            throw new ArgumentException("A predictions-log item holds only strings, numbers, lists and maps.", nameof(value));
        }
    }
}
