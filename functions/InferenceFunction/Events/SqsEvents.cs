using System.Text.Json.Serialization;

namespace InferenceFunction.Events;

/// <summary>One message of an SQS event source mapping batch.</summary>
public sealed class SqsMessage
{
    public string MessageId { get; set; } = string.Empty;
    public string? Body { get; set; }
    public string? EventSource { get; set; }
}

/// <summary>The S3 event notification carried in an SQS message body.</summary>
public sealed class S3Notification
{
    [JsonPropertyName("Records")]
    public List<S3NotificationRecord>? Records { get; set; }

    /// <summary>"s3:TestEvent" when S3 checks a newly configured notification.</summary>
    [JsonPropertyName("Event")]
    public string? Event { get; set; }
}

public sealed class S3NotificationRecord
{
    public string? EventSource { get; set; }
    public string? EventName { get; set; }
    public S3Entity? S3 { get; set; }
}

public sealed class S3Entity
{
    public S3BucketEntity? Bucket { get; set; }
    public S3ObjectEntity? Object { get; set; }
}

public sealed class S3BucketEntity
{
    public string? Name { get; set; }
}

public sealed class S3ObjectEntity
{
    public string? Key { get; set; }
    public long Size { get; set; }
    public string? VersionId { get; set; }
    public string? ETag { get; set; }
}

/// <summary>The answer to an SQS batch: the messages to retry.</summary>
public sealed class SqsBatchResponse
{
    [JsonPropertyName("batchItemFailures")]
    public List<SqsBatchItemFailure> BatchItemFailures { get; set; } = [];
}

public sealed class SqsBatchItemFailure
{
    [JsonPropertyName("itemIdentifier")]
    public string ItemIdentifier { get; set; } = string.Empty;
}
