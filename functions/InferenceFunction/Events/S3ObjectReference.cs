using System.Net;
using Inference.Service;
using InferenceFunction.Runtime;

namespace InferenceFunction.Events;

/// <summary>The object an S3 notification points at, with its key URL-decoded as S3 requires.</summary>
public sealed record S3ObjectReference(string Bucket, string Key, string? VersionId, bool IsRemoval)
{
    /// <summary>The input's key in the predictions log: one item per object, whatever the delivery.</summary>
    public string LogKey => $"s3://{Bucket}/{Key}";

    /// <summary>The object's ETag as the notification gives it (null where it gives none): which content of the key it was.</summary>
    public string? ETag { get; init; }

    public static S3ObjectReference From(S3NotificationRecord record)
    {
        var bucket = record.S3?.Bucket?.Name;
        var key = record.S3?.Object?.Key;
        if (record.EventSource != "aws:s3" || string.IsNullOrEmpty(bucket) || string.IsNullOrEmpty(key))
        {
            throw new FunctionException("InvalidS3Notification", "An SQS message holds a record that is not an S3 object notification with a bucket name and an object key.");
        }

        // Notification keys are form-encoded: "my+photo%281%29.jpg" is the object "my photo(1).jpg".
        return new S3ObjectReference(
            bucket,
            WebUtility.UrlDecode(key),
            record.S3?.Object?.VersionId,
            record.EventName?.StartsWith("ObjectRemoved", StringComparison.Ordinal) == true)
        {
            ETag = record.S3?.Object?.ETag,
        };
    }
}
