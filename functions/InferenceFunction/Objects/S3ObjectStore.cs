using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace InferenceFunction.Objects;

/// <summary>The objects in S3 (or in any S3-compatible endpoint the SDK is pointed at).</summary>
public sealed class S3ObjectStore(IAmazonS3 s3) : IObjectStore
{
    public async Task<StoredObject?> GetAsync(string bucket, string key, string? versionId, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            // GetObject answers with the headers (Content-Length) before the body is read from the connection: an object
            // declared over the limit is refused there, and disposing the response drops its unread body.
            using var source = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId }, cancellationToken).ConfigureAwait(false);
            var body = await BoundedRead.ReadAsync(source.ResponseStream, source.ContentLength, maxBytes,
                size => new ObjectTooLargeException(bucket, key, size, maxBytes), cancellationToken).ConfigureAwait(false);
            return new StoredObject(body, source.Headers.ContentType);
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task PutAsync(string bucket, string key, byte[] content, string contentType, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(content, writable: false);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = stream, ContentType = contentType }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListKeysAsync(string bucket, string prefix, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        return keys;
    }
}
