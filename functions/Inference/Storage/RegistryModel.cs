using Inference.Contracts;

namespace Inference.Storage;

/// <summary>A model version pinned in the model registry: <c>s3://{Bucket}/models/{Name}/{Version}/</c>.</summary>
public sealed record RegistryModel(string Bucket, string Name, string Version)
{
    public S3ModelLocation ModelFile => new(Bucket, ModelRegistryLayout.ModelKey(Name, Version), null);

    public override string ToString() => $"s3://{Bucket}/{ModelRegistryLayout.Folder(Name, Version)}";
}
