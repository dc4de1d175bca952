using System.Globalization;
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

    public Dictionary<string, AttributeValue> ItemFor(PredictionLogEntry entry)
    {
        var now = time.GetUtcNow();
        var item = new Dictionary<string, AttributeValue>
        {
            ["inputKey"] = new() { S = entry.InputKey },
            ["modelVersion"] = new() { S = $"{entry.Model}@{entry.ModelVersion}" },
            ["model"] = new() { S = entry.Model },
            ["version"] = new() { S = entry.ModelVersion },
            ["status"] = Number(entry.Status),
            ["latencyMs"] = Number(Math.Round(entry.LatencyMs, 3)),
            ["requestId"] = new() { S = entry.RequestId },
            ["inputBytes"] = Number(entry.InputBytes),
            ["loggedAt"] = new() { S = now.ToString("O", CultureInfo.InvariantCulture) },
            ["expiresAt"] = Number((now + ttl).ToUnixTimeSeconds()),
        };
        if (entry.ErrorCode is not null)
        {
            item["errorCode"] = new() { S = entry.ErrorCode };
        }

        if (entry.Output?.TopK is { } topK)
        {
            item["predictions"] = new() { L = [.. topK.Select(LabelScoreItem)] };
        }

        if (entry.Output?.OutputSha256 is { } hash)
        {
            item["outputSha256"] = new() { S = hash };
        }

        return item;
    }

    private static AttributeValue LabelScoreItem(LabelScore prediction) => new()
    {
        M = new Dictionary<string, AttributeValue>
        {
            ["label"] = new() { S = prediction.Label },
            ["score"] = prediction.Score is { } score ? Number(score) : new() { S = prediction.NonFiniteScore },
        },
    };

    private static AttributeValue Number(double value) => new() { N = value.ToString("R", CultureInfo.InvariantCulture) };

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
