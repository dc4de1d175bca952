using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AwsSemantics.Tests.Capture;

/// <summary>
/// The far end of the SDK clients in these tests: records every request on its way to AWS (the real https endpoints
/// of the stack's region; nothing leaves the process) and answers it plausibly, so the code under test goes on to
/// its next call: S3 objects from <see cref="Objects"/> (404 otherwise), PUTs and multipart uploads stored there, and a
/// small in-memory DynamoDB (PutItem, GetItem, Query by an attribute's value, UpdateItem of an existing item).
/// </summary>
public sealed class CapturingAwsHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, List<JsonObject>> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SortedDictionary<int, byte[]>> _parts = new(StringComparer.Ordinal);

    public IReadOnlyCollection<CapturedRequest> Requests => _requests;

    /// <summary>Objects GET answers with, by "bucket/key".</summary>
    public ConcurrentDictionary<string, byte[]> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>The XML answer to GetBucketEncryption, by bucket.</summary>
    public ConcurrentDictionary<string, string> BucketEncryption { get; } = new(StringComparer.Ordinal);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value), StringComparer.Ordinal);
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var json = headers.GetValueOrDefault("content-type")?.StartsWith("application/x-amz-json", StringComparison.Ordinal) == true
            ? JsonNode.Parse(body) : null;
        var captured = new CapturedRequest(request.Method, request.RequestUri!, headers, json);
        _requests.Enqueue(captured);
        return AwsEndpoints.ServiceOf(captured.Uri) switch
        {
            "s3" => S3(captured, captured.Header("x-amz-content-sha256")?.StartsWith("STREAMING-", StringComparison.Ordinal) == true ? Unchunk(body) : body),
            "dynamodb" => DynamoDb(captured),
            var other => throw new InvalidOperationException($"the capture answers S3 and DynamoDB, not {other} ({captured})"),
        };
    }

    private HttpResponseMessage S3(CapturedRequest request, byte[] body)
    {
        var (bucket, key) = AwsEndpoints.S3BucketAndKey(request.Uri);
        if (request.Method == HttpMethod.Get && key.Length == 0 && request.HasQuery("encryption"))
        {
            return BucketEncryption.TryGetValue(bucket, out var xml) ? Xml(xml) : new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        if (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head)
        {
            if (!Objects.TryGetValue($"{bucket}/{key}", out var content))
            {
                return Error(HttpStatusCode.NotFound, "NoSuchKey");
            }

            var found = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(request.Method == HttpMethod.Head ? [] : content) };
            found.Content.Headers.ContentLength = content.Length;
            found.Content.Headers.TryAddWithoutValidation("Content-Type", "application/octet-stream");
            found.Headers.ETag = ETag(content);
            return found;
        }

        if (request.Method == HttpMethod.Post && request.HasQuery("uploads"))
        {
            return Xml($"<InitiateMultipartUploadResult><Bucket>{bucket}</Bucket><Key>{key}</Key><UploadId>upload-1</UploadId></InitiateMultipartUploadResult>");
        }

        if (request.Method == HttpMethod.Post && request.HasQuery("uploadId"))
        {
            if (_parts.TryRemove($"{bucket}/{key}", out var parts))
            {
                Objects[$"{bucket}/{key}"] = [.. parts.Values.SelectMany(p => p)];
            }

            return Xml($"<CompleteMultipartUploadResult><Bucket>{bucket}</Bucket><Key>{key}</Key><ETag>\"{Convert.ToHexStringLower(MD5.HashData(body))}-1\"</ETag></CompleteMultipartUploadResult>");
        }

        if (request.Method == HttpMethod.Put && request.HasQuery("partNumber"))
        {
            var parts = _parts.GetOrAdd($"{bucket}/{key}", _ => []);
            lock (parts)
            {
                parts[int.Parse(request.Query["partNumber"], System.Globalization.CultureInfo.InvariantCulture)] = body;
            }
        }
        else if (request.Method == HttpMethod.Put)
        {
            Objects[$"{bucket}/{key}"] = body;
        }

        if (request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete)
        {
            var accepted = new HttpResponseMessage(request.Method == HttpMethod.Put ? HttpStatusCode.OK : HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) };
            accepted.Headers.ETag = ETag(body);
            return accepted;
        }

        throw new InvalidOperationException($"the capture has no S3 answer for {request}");
    }

    private HttpResponseMessage DynamoDb(CapturedRequest request)
    {
        var operation = AwsEndpoints.DynamoDbOperation(request);
        var body = (JsonObject)request.JsonBody!;
        var table = _tables.GetOrAdd((string)body["TableName"]!, _ => []);
        lock (table)
        {
            switch (operation)
            {
                case "PutItem":
                    table.Add((JsonObject)body["Item"]!.DeepClone());
                    return Json("{}");
                case "GetItem":
                    var key = (JsonObject)body["Key"]!;
                    var item = table.FirstOrDefault(i => key.All(k => JsonNode.DeepEquals(i[k.Key], k.Value)));
                    return Json(item is null ? "{}" : new JsonObject { ["Item"] = item.DeepClone() }.ToJsonString());
                case "Query":
                    // Matches items on every ":value" the expressions name by an attribute of the same name ("requestId = :id" style).
                    var values = body["ExpressionAttributeValues"] as JsonObject ?? [];
                    var matches = table.Where(i => values.Any(v => i.Any(a => JsonNode.DeepEquals(a.Value, v.Value)))
                        && values.All(v => i.Any(a => JsonNode.DeepEquals(a.Value, v.Value)))).ToList();
                    return Json(new JsonObject { ["Count"] = matches.Count, ["ScannedCount"] = matches.Count, ["Items"] = new JsonArray([.. matches.Select(m => (JsonNode)m.DeepClone())]) }.ToJsonString());
                case "UpdateItem":
                    return Json("{}");
                default:
                    throw new InvalidOperationException($"the capture has no DynamoDB answer for {operation}");
            }
        }
    }

    /// <summary>The payload of an aws-chunked body (the SDK's streaming uploads): "size[;signature]\r\n" chunks up to size 0, then trailers.</summary>
    private static byte[] Unchunk(byte[] body)
    {
        using var payload = new MemoryStream();
        var at = 0;
        while (true)
        {
            var lineEnd = Array.IndexOf(body, (byte)'\n', at);
            var header = Encoding.ASCII.GetString(body, at, lineEnd - at).TrimEnd('\r');
            var size = Convert.ToInt32(header.Split(';')[0], 16);
            if (size == 0)
            {
                return payload.ToArray();
            }

            payload.Write(body, lineEnd + 1, size);
            at = lineEnd + 1 + size + 2; // the chunk's closing CRLF
        }
    }

    /// <summary>S3's ETag of a single-part object: the MD5 of its bytes, which the SDK checks.</summary>
    private static System.Net.Http.Headers.EntityTagHeaderValue ETag(byte[] content) => new($"\"{Convert.ToHexStringLower(MD5.HashData(content))}\"");

    private static HttpResponseMessage Xml(string xml) =>
        new(HttpStatusCode.OK) { Content = new StringContent("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + xml, Encoding.UTF8, "application/xml") };

    private static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.0") };

    private static HttpResponseMessage Error(HttpStatusCode status, string code) =>
        new(status) { Content = new StringContent($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{code}</Message></Error>", Encoding.UTF8, "application/xml") };
}
