namespace InferenceFunction.Objects;

/// <summary>
/// Where the batch handler reads its inputs and writes its records: S3 in AWS, a folder per bucket locally.
/// </summary>
public interface IObjectStore
{
    /// <summary>
    /// Reads an object of at most <paramref name="maxBytes"/> bytes. A larger one is refused with an
    /// <see cref="ObjectTooLargeException"/>: from its declared size before its body is read, or, when that size lied,
    /// once the byte after the limit arrives. No more than <paramref name="maxBytes"/> + 1 bytes of it are read.
    /// </summary>
    /// <returns>The object, or null when it does not exist (any more).</returns>
    Task<StoredObject?> GetAsync(string bucket, string key, string? versionId, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Stores the object whole, replacing any previous one; throws when it could not be stored.</summary>
    Task PutAsync(string bucket, string key, byte[] content, string contentType, CancellationToken cancellationToken);

    /// <summary>The keys of the objects under <paramref name="prefix"/>, in key order (a batch job over a prefix).</summary>
    Task<IReadOnlyList<string>> ListKeysAsync(string bucket, string prefix, CancellationToken cancellationToken);
}

/// <summary>An object's bytes and the content type it was stored with, if the store keeps one.</summary>
public sealed record StoredObject(byte[] Body, string? ContentType);
