using Amazon.S3;

namespace InferenceFunction.Objects;

/// <summary>Picks the batch handler's object store: a folder when <c>LOCAL_OBJECT_ROOT</c> is set (local mode), S3 otherwise.</summary>
public static class ObjectStores
{
    public static IObjectStore FromEnvironment(Func<string, string?> environment, Func<IAmazonS3> s3) =>
        environment(DirectoryObjectStore.RootVariable) is { Length: > 0 } root
            ? new DirectoryObjectStore(root)
            : new S3ObjectStore(s3());
}
