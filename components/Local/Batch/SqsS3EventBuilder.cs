using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Infra.Local.Batch;

/// <summary>One delivery of an input: the SQS message id stays the same across deliveries, as in SQS.</summary>
public sealed record Delivery(string MessageId, InputObject Input, int ReceiveCount);

/// <summary>
/// Builds the event Lambda's SQS event source mapping would send: one SQS record per input, each body an S3
/// ObjectCreated notification with the key form-encoded as S3 writes it.
/// </summary>
public static class SqsS3EventBuilder
{
    public const string Region = "us-east-1";
    private const string Account = "000000000000";

    public static byte[] Build(string bucket, string queueName, IReadOnlyList<Delivery> deliveries, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Records");
            foreach (var delivery in deliveries)
            {
                var body = Notification(bucket, delivery.Input, now);
                writer.WriteStartObject();
                writer.WriteString("messageId", delivery.MessageId);
                writer.WriteString("receiptHandle", $"{delivery.MessageId}#{delivery.ReceiveCount}");
                writer.WriteString("body", body);
                writer.WriteStartObject("attributes");
                writer.WriteString("ApproximateReceiveCount", delivery.ReceiveCount.ToString(CultureInfo.InvariantCulture));
                writer.WriteString("SentTimestamp", delivery.Input.LastModified.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
                writer.WriteString("ApproximateFirstReceiveTimestamp", now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
                writer.WriteEndObject();
                writer.WriteStartObject("messageAttributes");
                writer.WriteEndObject();
#pragma warning disable CA5351 // SQS's integrity field is an MD5 by definition; nothing here is a security use.
                writer.WriteString("md5OfBody", Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body))));
#pragma warning restore CA5351
                writer.WriteString("eventSource", "aws:sqs");
                writer.WriteString("eventSourceARN", $"arn:aws:sqs:{Region}:{Account}:{queueName}");
                writer.WriteString("awsRegion", Region);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string Notification(string bucket, InputObject input, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Records");
            writer.WriteStartObject();
            writer.WriteString("eventVersion", "2.1");
            writer.WriteString("eventSource", "aws:s3");
            writer.WriteString("awsRegion", Region);
            writer.WriteString("eventTime", now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            writer.WriteString("eventName", "ObjectCreated:Put");
            writer.WriteStartObject("s3");
            writer.WriteString("s3SchemaVersion", "1.0");
            writer.WriteString("configurationId", "local");
            writer.WriteStartObject("bucket");
            writer.WriteString("name", bucket);
            writer.WriteString("arn", $"arn:aws:s3:::{bucket}");
            writer.WriteEndObject();
            writer.WriteStartObject("object");
            // S3 form-encodes notification keys ("a b.png" arrives as "a+b.png"); the handler decodes them.
            writer.WriteString("key", WebUtility.UrlEncode(input.Key).Replace("%2F", "/", StringComparison.Ordinal));
            writer.WriteNumber("size", input.Size);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
