using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Inference.Predictions;

/// <summary>
/// The predictions log as the DynamoDB table the infrastructure creates: hash key <c>inputKey</c> (S), range key
/// <c>modelVersion</c> (S, <c>model@version</c>), TTL attribute <c>expiresAt</c> (N, epoch seconds). Logging the same
/// input for the same model version again replaces the item, as reprocessing a batch input does, unless the item has
/// its feedback: a judged prediction stays until it expires, so repeating a request can neither erase its feedback nor
/// open the input to a second one.
/// </summary>
public sealed class DynamoDbPredictionLog(IAmazonDynamoDB dynamoDb, string tableName, TimeSpan ttl, TimeProvider time) : IPredictionLog
{
    public async Task WriteAsync(PredictionLogEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await dynamoDb.PutItemAsync(new PutItemRequest
            {
                TableName = tableName,
                Item = ItemFor(entry),
                ConditionExpression = "attribute_not_exists(feedbackAt)",
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // The input's judged item is kept: that is the log working as intended, not a failed write.
        }
    }

    public Dictionary<string, AttributeValue> ItemFor(PredictionLogEntry entry) => PredictionLogItem.For(entry, time.GetUtcNow(), ttl);
}
