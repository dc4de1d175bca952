using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace Inference.Predictions;

/// <summary>
/// The fields of one predictions-log record, as a DynamoDB item. The table and the JSON-lines file both write exactly
/// these fields, so a local log reads like the table's items.
/// </summary>
public static class PredictionLogItem
{
    public static Dictionary<string, AttributeValue> For(PredictionLogEntry entry, DateTimeOffset now, TimeSpan ttl)
    {
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
        if (entry.ServerRequestId is { } server && server != entry.RequestId)
        {
            item["serverRequestId"] = new() { S = server };
        }

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
