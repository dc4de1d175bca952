using System.Text.Json;

namespace InferenceFunction.Events;

/// <summary>Recognises an event by its shape, since Lambda does not say which source sent it.</summary>
public static class EventClassifier
{
    public static EventKind Classify(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return EventKind.Unknown;
        }

        if (IsWarmUp(root))
        {
            return EventKind.WarmUp;
        }

        if (StringProperty(root, "version") == "2.0" && root.TryGetProperty("requestContext", out var context)
            && context.ValueKind == JsonValueKind.Object && context.TryGetProperty("http", out _))
        {
            return EventKind.ApiGatewayV2;
        }

        if (StringProperty(root, "httpMethod") is not null && root.TryGetProperty("path", out _))
        {
            return EventKind.ApiGatewayV1;
        }

        if (root.TryGetProperty("Records", out var records) && records.ValueKind == JsonValueKind.Array
            && records.GetArrayLength() > 0
            && records.EnumerateArray().All(record => record.ValueKind == JsonValueKind.Object && StringProperty(record, "eventSource") == "aws:sqs"))
        {
            return EventKind.SqsBatch;
        }

        return EventKind.Unknown;
    }

    /// <summary>{"warmup": true} from our own callers, or an EventBridge schedule.</summary>
    private static bool IsWarmUp(JsonElement root) =>
        (root.TryGetProperty("warmup", out var warmup) && warmup.ValueKind == JsonValueKind.True)
        || (StringProperty(root, "source") == "aws.events" && StringProperty(root, "detail-type") == "Scheduled Event");

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The top-level property names, to tell a person what actually arrived.</summary>
    public static string DescribeShape(JsonElement root) => root.ValueKind == JsonValueKind.Object
        ? "an object with keys [" + string.Join(", ", root.EnumerateObject().Take(12).Select(p => p.Name)) + "]"
        : "a JSON " + root.ValueKind.ToString().ToLowerInvariant();
}
