using System.Net;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using InferenceFunction.Events;

namespace InferenceFunction.Jobs;

/// <summary>
/// The pipeline's dead-letter queue: the message body is the S3 notification the Lambda path's dead letters carry (the
/// key form-encoded, as S3 writes it), so one tool reads both; the reason and the job travel as message attributes.
/// </summary>
public sealed class SqsDeadLetterQueue(IAmazonSQS sqs, string queueUrl) : IDeadLetterQueue
{
    public async Task SendAsync(S3ObjectReference input, string reason, string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = queueUrl,
            MessageBody = NotificationBody(input),
            MessageAttributes = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal)
            {
                ["reason"] = new() { DataType = "String", StringValue = Truncated(reason) },
                ["jobId"] = new() { DataType = "String", StringValue = jobId },
            },
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An S3 ObjectCreated notification for the input, as <see cref="S3NotificationParser"/> reads it.</summary>
    public static string NotificationBody(S3ObjectReference input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Records");
            writer.WriteStartObject();
            writer.WriteString("eventSource", "aws:s3");
            writer.WriteString("eventName", "ObjectCreated:Put");
            writer.WriteStartObject("s3");
            writer.WriteStartObject("bucket");
            writer.WriteString("name", input.Bucket);
            writer.WriteEndObject();
            writer.WriteStartObject("object");
            writer.WriteString("key", WebUtility.UrlEncode(input.Key).Replace("%2F", "/", StringComparison.Ordinal));
            if (input.VersionId is not null)
            {
                writer.WriteString("versionId", input.VersionId);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    // A message with its attributes may hold 256 KiB; a reason is a line or two, but an exception message may be long.
    private static string Truncated(string reason) => reason.Length <= 4096 ? reason : reason[..4096];
}
