using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Inference.Predictions;
using Inference.Protocol;

namespace Inference.Feedback;

/// <summary>The feedback store beside the predictions log the options name (its table, or its local file).</summary>
public static class FeedbackStores
{
    /// <summary>The predictions log's index by request id, which feedback finds its prediction through.</summary>
    public const string RequestIdIndex = "by-request-id";

    public static IFeedbackStore? Create(PredictionLogOptions options, Func<IAmazonDynamoDB> dynamoDb, TimeProvider time) => (options.Table, options.File) switch
    {
        ({ } table, _) => new DynamoDbFeedbackStore(dynamoDb(), table, time),
        (_, { } file) => new JsonLinesFeedbackStore(file, time),
        _ => null,
    };

    internal static string Now(TimeProvider time) => time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
}

/// <summary>
/// Finds the prediction through the table's <c>by-request-id</c> index (Query), then adds the ground truth to that item
/// (UpdateItem, only if it still exists). The index is eventually consistent: a prediction logged a moment ago may not
/// be found yet, and the client is told to retry.
/// </summary>
public sealed class DynamoDbFeedbackStore(IAmazonDynamoDB dynamoDb, string tableName, TimeProvider time) : IFeedbackStore
{
    public async Task<FeedbackMatch?> StoreAsync(string model, string requestId, GroundTruth truth, CancellationToken cancellationToken)
    {
        var found = await dynamoDb.QueryAsync(new QueryRequest
        {
            TableName = tableName,
            IndexName = FeedbackStores.RequestIdIndex,
            KeyConditionExpression = "requestId = :id",
            FilterExpression = "#model = :model",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#model"] = "model" },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":id"] = new() { S = requestId }, [":model"] = new() { S = model } },
        }, cancellationToken).ConfigureAwait(false);
        var items = found.Items ?? [];
        if (items.Count == 0)
        {
            return null;
        }

        if (items.Count > 1)
        {
            throw new ApiException(409, FeedbackErrors.AmbiguousRequestId,
                $"{items.Count} predictions of model '{model}' have request id '{requestId}' (a batch invocation's inputs share it); feedback needs one.");
        }

        var item = items[0];
        var predicted = item.TryGetValue("predictions", out var list) && list.L is { Count: > 0 } top && top[0].M?.TryGetValue("label", out var label) == true ? label.S : null;
        var correct = truth.Judge(predicted);
        var values = new Dictionary<string, AttributeValue>
        {
            [":truth"] = truth.Label is { } text ? new() { S = text } : new() { N = truth.Value!.Value.ToString("R", CultureInfo.InvariantCulture) },
            [":at"] = new() { S = FeedbackStores.Now(time) },
        };
        var update = "SET groundTruth = :truth, feedbackAt = :at";
        if (correct is { } right)
        {
            values[":correct"] = new() { N = right ? "1" : "0" };
            update += ", correct = :correct";
        }

        await dynamoDb.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = tableName,
            Key = new Dictionary<string, AttributeValue> { ["inputKey"] = item["inputKey"], ["modelVersion"] = item["modelVersion"] },
            UpdateExpression = update,
            ConditionExpression = "attribute_exists(inputKey)",
            ExpressionAttributeValues = values,
        }, cancellationToken).ConfigureAwait(false);
        return new FeedbackMatch(model, item["version"].S, predicted, correct);
    }
}

/// <summary>
/// The local predictions log (JSON lines): the matching line gets the same fields as the table's item. The file is
/// rewritten in place under the same exclusive lock the log's writers take, so no line is lost or interleaved.
/// </summary>
public sealed class JsonLinesFeedbackStore(string path, TimeProvider time) : IFeedbackStore
{
    public Task<FeedbackMatch?> StoreAsync(string model, string requestId, GroundTruth truth, CancellationToken cancellationToken) =>
        ExclusiveFileLock.RunAsync(() => RewriteAsync(model, requestId, truth, cancellationToken), cancellationToken);

    private async Task<FeedbackMatch?> RewriteAsync(string model, string requestId, GroundTruth truth, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        await using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        var lines = new List<string>();
        using (var reader = new StreamReader(file, leaveOpen: true))
        {
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                lines.Add(line);
            }
        }

        var matches = lines.Select((line, index) => (Node: line.Length == 0 ? null : JsonNode.Parse(line), Index: index))
            .Where(m => (string?)m.Node?["requestId"] == requestId && (string?)m.Node?["model"] == model)
            .ToList();
        if (matches.Count == 0)
        {
            return null;
        }

        if (matches.Count > 1)
        {
            throw new ApiException(409, FeedbackErrors.AmbiguousRequestId,
                $"{matches.Count} predictions of model '{model}' have request id '{requestId}' (a batch invocation's inputs share it); feedback needs one.");
        }

        var (item, at) = (matches[0].Node!.AsObject(), matches[0].Index);
        var predicted = item["predictions"] is JsonArray { Count: > 0 } top ? (string?)top[0]?["label"] : null;
        var correct = truth.Judge(predicted);
        item["groundTruth"] = truth.Label is { } text ? JsonValue.Create(text) : JsonValue.Create(truth.Value!.Value);
        item["feedbackAt"] = FeedbackStores.Now(time);
        if (correct is { } right)
        {
            item["correct"] = right ? 1 : 0;
        }

        lines[at] = item.ToJsonString(LineOptions);
        file.SetLength(0);
        file.Position = 0;
        await using (var writer = new StreamWriter(file, leaveOpen: true))
        {
            foreach (var line in lines)
            {
                await writer.WriteAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync('\n').ConfigureAwait(false);
            }
        }

        return new FeedbackMatch(model, (string)item["version"]!, predicted, correct);
    }

    private static readonly JsonSerializerOptions LineOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
