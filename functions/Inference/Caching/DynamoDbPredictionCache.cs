using System.Runtime.InteropServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Inference.Caching;

/// <summary>
/// The shared cache as a DynamoDB table: hash key <c>cacheKey</c> (S), the body as <c>body</c> (B), its
/// <c>contentType</c> (S), and <c>expiresAt</c> (N, epoch seconds) as the table's TTL attribute.
/// </summary>
public sealed class DynamoDbPredictionCache(IAmazonDynamoDB dynamoDb, string tableName, TimeSpan ttl, TimeProvider time) : IPredictionCache
{
    public const string KeyAttribute = "cacheKey";
    public const string BodyAttribute = "body";
    public const string ContentTypeAttribute = "contentType";
    public const string ExpiresAtAttribute = "expiresAt";

    public async Task<CachedPrediction?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = tableName,
            Key = new Dictionary<string, AttributeValue> { [KeyAttribute] = new() { S = key } },
        }, cancellationToken).ConfigureAwait(false);
        if (response.Item is not { Count: > 0 } item)
        {
            return null;
        }

        // DynamoDB deletes expired items only eventually, so an expired item can still be read.
        if (!item.TryGetValue(ExpiresAtAttribute, out var expires) || long.Parse(expires.N, System.Globalization.CultureInfo.InvariantCulture) <= time.GetUtcNow().ToUnixTimeSeconds())
        {
            return null;
        }

        return new CachedPrediction(item[BodyAttribute].B.ToArray(), item[ContentTypeAttribute].S);
    }

    public async Task<bool> SetAsync(string key, CachedPrediction value, CancellationToken cancellationToken)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            [KeyAttribute] = new() { S = key },
            [BodyAttribute] = new() { B = AsStream(value.Body) },
            [ContentTypeAttribute] = new() { S = value.ContentType },
            [ExpiresAtAttribute] = new() { N = (time.GetUtcNow() + ttl).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        if (DynamoDbItemSize.Of(item) > DynamoDbItemSize.MaxItemBytes)
        {
            return false;
        }

        await dynamoDb.PutItemAsync(new PutItemRequest { TableName = tableName, Item = item }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
}
