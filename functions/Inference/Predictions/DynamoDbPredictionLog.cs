using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Inference.Predictions;

/// <summary>
/// The predictions log as the DynamoDB table the infrastructure creates: hash key <c>inputKey</c> (S), range key
/// <c>modelVersion</c> (S, <c>model@version</c>), TTL attribute <c>expiresAt</c> (N, epoch seconds). Logging the same
/// input for the same model version again replaces the item, as reprocessing a batch input does.
/// </summary>
public sealed class DynamoDbPredictionLog(IAmazonDynamoDB dynamoDb, string tableName, TimeSpan ttl, TimeProvider time) : IPredictionLog
{
    public Task WriteAsync(PredictionLogEntry entry, CancellationToken cancellationToken) =>
        dynamoDb.PutItemAsync(new PutItemRequest { TableName = tableName, Item = ItemFor(entry) }, cancellationToken);

    public Dictionary<string, AttributeValue> ItemFor(PredictionLogEntry entry) => PredictionLogItem.For(entry, time.GetUtcNow(), ttl);
}
