using System.Text.Json;
using Inference.Service;
using InferenceFunction.Json;
using InferenceFunction.Runtime;

namespace InferenceFunction.Events;

public static class S3NotificationParser
{
    /// <summary>Reads the S3 notification in an SQS message body; S3's test event yields no records.</summary>
    public static S3Notification Parse(SqsMessage message)
    {
        if (string.IsNullOrWhiteSpace(message.Body))
        {
            throw new FunctionException("InvalidS3Notification", $"SQS message {message.MessageId} has an empty body; expected an S3 event notification.");
        }

        try
        {
            return JsonSerializer.Deserialize(message.Body, FunctionJsonContext.Default.S3Notification)
                ?? throw new FunctionException("InvalidS3Notification", $"SQS message {message.MessageId} holds JSON null; expected an S3 event notification.");
        }
        catch (JsonException exception)
        {
            throw new FunctionException("InvalidS3Notification", $"SQS message {message.MessageId} is not an S3 event notification: {exception.Message}", exception);
        }
    }
}
