namespace AwsSemantics.Tests.Capture;

/// <summary>
/// Maps a captured request to the IAM authorization AWS performs for it, following the services' documented
/// mappings: S3 REST (PUT object and multipart CreateMultipartUpload / UploadPart / CompleteMultipartUpload are all
/// <c>s3:PutObject</c>; only PUT object and CreateMultipartUpload carry the <c>x-amz-server-side-encryption*</c>
/// headers, so only they set those condition keys), DynamoDB's <c>X-Amz-Target</c>. A request it cannot map fails.
/// </summary>
public sealed class RequestActions(string region, string account)
{
    private const string SseHeader = "x-amz-server-side-encryption";
    private const string SseKeyHeader = "x-amz-server-side-encryption-aws-kms-key-id";

    public ServiceCall Map(CapturedRequest request) => AwsEndpoints.ServiceOf(request.Uri) switch
    {
        "s3" => S3(request),
        "dynamodb" => DynamoDb(request),
        var other => throw new InvalidOperationException($"no IAM mapping for {other} requests ({request})"),
    };

    private static ServiceCall S3(CapturedRequest request)
    {
        var (bucket, key) = AwsEndpoints.S3BucketAndKey(request.Uri);
        var bucketArn = $"arn:aws:s3:::{bucket}";
        var objectArn = $"{bucketArn}/{key}";
        var method = request.Method.Method;
        var sse = request.Header(SseHeader);
        var sseKey = request.Header(SseKeyHeader);
        var encryptionContext = new Dictionary<string, object>(StringComparer.Ordinal);
        if (sse is not null)
        {
            encryptionContext["s3:" + SseHeader] = sse;
        }

        if (sseKey is not null)
        {
            encryptionContext["s3:" + SseKeyHeader] = sseKey;
        }

        if (key.Length == 0)
        {
            return method switch
            {
                "GET" when request.HasQuery("encryption") => new ServiceCall("GetBucketEncryption", "s3:GetEncryptionConfiguration", bucketArn, Empty, bucket),
                "GET" when request.HasQuery("versioning") => new ServiceCall("GetBucketVersioning", "s3:GetBucketVersioning", bucketArn, Empty, bucket),
                "GET" when !request.HasQuery("uploads") => new ServiceCall("ListObjects", "s3:ListBucket", bucketArn,
                    new Dictionary<string, object> { ["s3:prefix"] = request.Query.GetValueOrDefault("prefix", "") }, bucket),
                _ => throw new InvalidOperationException($"no IAM mapping for the bucket request {request}"),
            };
        }

        if (request.Header("x-amz-copy-source") is not null)
        {
            throw new InvalidOperationException($"copies (x-amz-copy-source) are not modelled: {request}");
        }

        var versioned = request.HasQuery("versionId");
        return method switch
        {
            "GET" when request.HasQuery("uploadId") => new ServiceCall("ListParts", "s3:ListMultipartUploadParts", objectArn, Empty, bucket),
            "GET" => new ServiceCall("GetObject", versioned ? "s3:GetObjectVersion" : "s3:GetObject", objectArn, Empty, bucket, "kms:Decrypt"),
            "HEAD" => new ServiceCall("HeadObject", versioned ? "s3:GetObjectVersion" : "s3:GetObject", objectArn, Empty, bucket),
            // Parts never carry the encryption headers: the upload's encryption was fixed by CreateMultipartUpload.
            "PUT" when request.HasQuery("partNumber") && request.HasQuery("uploadId") => new ServiceCall("UploadPart", "s3:PutObject", objectArn, Empty, bucket, "kms:Decrypt"),
            "PUT" => new ServiceCall("PutObject", "s3:PutObject", objectArn, encryptionContext, bucket, KmsFor(sse, "kms:GenerateDataKey"), sseKey, sse is not null and not "aws:kms"),
            "POST" when request.HasQuery("uploads") => new ServiceCall("CreateMultipartUpload", "s3:PutObject", objectArn, encryptionContext, bucket, KmsFor(sse, "kms:GenerateDataKey"), sseKey, sse is not null and not "aws:kms"),
            "POST" when request.HasQuery("uploadId") => new ServiceCall("CompleteMultipartUpload", "s3:PutObject", objectArn, Empty, bucket, "kms:Decrypt"),
            "DELETE" when request.HasQuery("uploadId") => new ServiceCall("AbortMultipartUpload", "s3:AbortMultipartUpload", objectArn, Empty, bucket),
            "DELETE" => new ServiceCall("DeleteObject", versioned ? "s3:DeleteObjectVersion" : "s3:DeleteObject", objectArn, Empty, bucket),
            _ => throw new InvalidOperationException($"no IAM mapping for the object request {request}"),
        };
    }

    /// <summary>SSE-S3 (AES256) needs no KMS call; SSE-KMS, or the bucket's default, does.</summary>
    private static string? KmsFor(string? sse, string action) => sse is "AES256" ? null : action;

    private ServiceCall DynamoDb(CapturedRequest request)
    {
        var operation = AwsEndpoints.DynamoDbOperation(request);
        var table = (string?)request.JsonBody?["TableName"] ?? throw new InvalidOperationException($"{request} names no table");
        var arn = $"arn:aws:dynamodb:{region}:{account}:table/{table}";
        // A query of a secondary index is authorized on the index's ARN.
        if (request.JsonBody?["IndexName"] is { } index)
        {
            arn += $"/index/{index}";
        }

        return new ServiceCall(operation, "dynamodb:" + operation, arn, Empty);
    }

    private static readonly IReadOnlyDictionary<string, object> Empty = new Dictionary<string, object>();
}
