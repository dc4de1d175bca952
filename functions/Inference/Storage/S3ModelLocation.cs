namespace Inference.Storage;

/// <summary>An S3 object holding a model's ONNX file; a null version id means the latest version.</summary>
public sealed record S3ModelLocation(string Bucket, string Key, string? VersionId)
{
    public override string ToString() =>
        VersionId is null ? $"s3://{Bucket}/{Key}" : $"s3://{Bucket}/{Key} (version {VersionId})";
}
