using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Infra.Local.Emulators;

/// <summary>Creates a stack's buckets in the local S3 stand-in.</summary>
public sealed class LocalBuckets(IAmazonS3 s3)
{
    /// <summary>Creates the bucket unless it exists already (from an earlier serve against the same fauxqs).</summary>
    public async Task CreateAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = name }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception exists) when (exists.StatusCode == HttpStatusCode.Conflict)
        {
            // BucketAlreadyOwnedByYou: keep it and its objects.
        }
    }
}
