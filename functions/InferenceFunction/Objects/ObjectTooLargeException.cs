namespace InferenceFunction.Objects;

/// <summary>
/// An object over the size limit was refused without being read whole. <see cref="Size"/> is its declared size when that
/// was already over the limit, or null when the declaration was within it but more bytes arrived.
/// </summary>
public sealed class ObjectTooLargeException(string bucket, string key, long? size, long limit) : Exception(
    size is { } known
        ? $"s3://{bucket}/{key} has {known} bytes; at most {limit} (MAX_BODY_BYTES) are accepted, so it was not read."
        : $"s3://{bucket}/{key} has more than {limit} bytes although it declared fewer; at most {limit} (MAX_BODY_BYTES) are accepted, so it was read no further.")
{
    public long? Size => size;

    public long Limit => limit;
}
