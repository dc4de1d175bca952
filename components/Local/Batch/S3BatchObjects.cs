using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Infra.Local.Batch;

/// <summary>
/// The batch pipeline on the local S3 stand-in (--emulators): inputs are the objects uploaded to the input bucket, the
/// function writes its records to the results bucket through AWS_ENDPOINT_URL_S3, and poison inputs are taken out of
/// the bucket into the local dead-letter folder. fauxqs sends no bucket notifications, so the bucket is listed (polled).
/// </summary>
public sealed class S3BatchObjects(IAmazonS3 s3, string inputBucket, string resultsBucket, DeadLetterFolder deadLetters) : IBatchObjects
{
    public string InputBucket => inputBucket;

    public async Task<IReadOnlyList<InputObject>> ListInputsAsync(CancellationToken cancellationToken)
    {
        var inputs = new List<InputObject>();
        var request = new ListObjectsV2Request { BucketName = inputBucket };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            inputs.AddRange((page.S3Objects ?? []).Select(o => new InputObject(o.Key, o.Size ?? 0, o.LastModified is { } modified ? new DateTimeOffset(modified) : DateTimeOffset.MinValue)));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        return inputs;
    }

    public async Task<FunctionRecord?> ReadRecordAsync(string resultKey, CancellationToken cancellationToken)
    {
        var content = await GetAsync(resultsBucket, resultKey, cancellationToken).ConfigureAwait(false);
        return content is null ? null : FunctionRecord.Read(content.Value.Body, content.Value.LastModified, $"s3://{resultsBucket}/{resultKey}");
    }

    public async Task DeadLetterAsync(string inputKey, string resultKey, byte[] reasonJson, CancellationToken cancellationToken)
    {
        deadLetters.WriteReason(inputKey, reasonJson);
        await s3.DeleteObjectAsync(resultsBucket, resultKey, cancellationToken).ConfigureAwait(false);
        try
        {
            // Streamed: a poison input may be as large as anything uploaded, and serve must not hold it in memory.
            using var input = await s3.GetObjectAsync(inputBucket, inputKey, cancellationToken).ConfigureAwait(false);
            await DeadLetterFolder.WriteWholeAsync(deadLetters.InputPath(inputKey), input.ResponseStream, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return; // already taken out (deleted by its uploader, or by an earlier pass)
        }

        await s3.DeleteObjectAsync(inputBucket, inputKey, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(byte[] Body, DateTimeOffset LastModified)?> GetAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(bucket, key, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return (buffer.ToArray(), response.LastModified is { } modified ? new DateTimeOffset(modified) : DateTimeOffset.MinValue);
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
