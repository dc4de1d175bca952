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
/// (UpdateItem) on the condition that it is still that prediction and has no feedback yet: the check and the write are
/// one atomic step, so a replayed or concurrent second post fails the condition and is answered 409 with the item's
/// first feedback (ReturnValuesOnConditionCheckFailure returns the item as it is). The index is eventually consistent:
/// a prediction logged a moment ago may not be found yet, and the client is told to retry.
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
            throw FeedbackErrors.Ambiguous(model, requestId, items.Count);
        }

        var item = items[0];
        var predicted = item.TryGetValue("predictions", out var list) && list.L is { Count: > 0 } top && top[0].M?.TryGetValue("label", out var label) == true ? label.S : null;
        var correct = truth.Judge(predicted);
        var values = new Dictionary<string, AttributeValue>
        {
            [":truth"] = truth.Label is { } text ? new() { S = text } : new() { N = truth.Value!.Value.ToString("R", CultureInfo.InvariantCulture) },
            [":at"] = new() { S = FeedbackStores.Now(time) },
            [":id"] = new() { S = requestId },
        };
        var update = "SET groundTruth = :truth, feedbackAt = :at";
        if (correct is { } right)
        {
            values[":correct"] = new() { N = right ? "1" : "0" };
            update += ", correct = :correct";
        }

        try
        {
            await dynamoDb.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = tableName,
                Key = new Dictionary<string, AttributeValue> { ["inputKey"] = item["inputKey"], ["modelVersion"] = item["modelVersion"] },
                UpdateExpression = update,
                // "requestId = :id" is false for a missing item too: the item under this key is still the prediction the
                // (eventually consistent) index found, not gone nor replaced by the same input logged again.
                ConditionExpression = "requestId = :id AND attribute_not_exists(feedbackAt)",
                ExpressionAttributeValues = values,
                ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException failed)
        {
            if (failed.Item is { } now && now.TryGetValue("requestId", out var id) && id.S == requestId && now.ContainsKey("feedbackAt"))
            {
                throw FeedbackErrors.Given(model, Given(now));
            }

            return null; // expired, or replaced by a later prediction of the same input: this request id names none now
        }

        return new FeedbackMatch(model, item["version"].S, predicted, correct);
    }

    private static GivenFeedback Given(Dictionary<string, AttributeValue> item) => new(item["requestId"].S, item["version"].S, item["feedbackAt"].S,
        item.TryGetValue("groundTruth", out var truth) && truth.N is { } number
            ? new GroundTruth(null, double.Parse(number, CultureInfo.InvariantCulture))
            : new GroundTruth(truth?.S, null));
}

/// <summary>
/// The local predictions log (JSON lines): the matching line gets the same fields as the table's item. The file is
/// rewritten in place under the same exclusive lock the log's writers take, so no line is lost or interleaved.
/// The log only appends, so one input and model version may have several lines; they are read as the table holds
/// that input's one item: the line with feedback if one has it (the table keeps a judged item, see
/// <see cref="DynamoDbPredictionLog"/>), else the latest line (a new write replaces the item).
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

        var nodes = lines.Select(line => line.Length == 0 ? null : JsonNode.Parse(line)?.AsObject()).ToList();
        var matches = CurrentItems(nodes).Where(i => (string?)nodes[i]!["requestId"] == requestId && (string?)nodes[i]!["model"] == model).ToList();
        if (matches.Count == 0)
        {
            return null;
        }

        if (matches.Count > 1)
        {
            throw FeedbackErrors.Ambiguous(model, requestId, matches.Count);
        }

        var at = matches[0];
        var item = nodes[at]!;
        if (item["feedbackAt"] is { } given)
        {
            var first = item["groundTruth"] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
                ? new GroundTruth(null, value.GetValue<double>())
                : new GroundTruth((string?)item["groundTruth"], null);
            throw FeedbackErrors.Given(model, new GivenFeedback(requestId, (string)item["version"]!, (string)given!, first));
        }

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

    /// <returns>For each input and model version, the index of the line the table would hold as its item.</returns>
    private static IEnumerable<int> CurrentItems(List<JsonObject?> nodes)
    {
        var current = new Dictionary<(string?, string?), int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] is not { } node)
            {
                continue;
            }

            var key = ((string?)node["inputKey"], (string?)node["modelVersion"]);
            if (!current.TryGetValue(key, out var held) || nodes[held]!["feedbackAt"] is null)
            {
                current[key] = i;
            }
        }

        return current.Values;
    }

    private static readonly JsonSerializerOptions LineOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
