namespace AwsSemantics.Tests.Capture;

/// <summary>Reads which service, bucket, key and operation a request to a real AWS endpoint addresses.</summary>
public static class AwsEndpoints
{
    /// <summary>"s3" for s3.region.amazonaws.com and bucket.s3.region.amazonaws.com, "dynamodb", "sqs", ...</summary>
    public static string ServiceOf(Uri uri)
    {
        var labels = uri.Host.Split('.');
        var at = Array.IndexOf(labels, "amazonaws");
        if (at < 2)
        {
            throw new InvalidOperationException($"{uri.Host} is not an AWS endpoint (a client pointed elsewhere?)");
        }

        // service.region.amazonaws.com, or bucket.s3.region.amazonaws.com for S3's virtual-hosted style.
        return labels[at - 2];
    }

    public static (string Bucket, string Key) S3BucketAndKey(Uri uri)
    {
        var labels = uri.Host.Split('.');
        var path = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (labels[0] != "s3")
        {
            // Virtual-hosted style: the bucket is the host's first labels.
            var bucket = uri.Host[..uri.Host.IndexOf(".s3.", StringComparison.Ordinal)];
            return (bucket, path);
        }

        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (path, "") : (path[..slash], path[(slash + 1)..]);
    }

    /// <summary>The operation of a JSON-protocol request: X-Amz-Target "DynamoDB_20120810.PutItem" is PutItem.</summary>
    public static string DynamoDbOperation(CapturedRequest request) =>
        request.Header("x-amz-target")?.Split('.').Last() ?? throw new InvalidOperationException($"{request} has no X-Amz-Target");
}
