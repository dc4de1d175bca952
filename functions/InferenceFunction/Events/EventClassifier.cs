using System.Text.Json;

namespace InferenceFunction.Events;

/// <summary>Recognises an event by its shape, since Lambda does not say which source sent it.</summary>
public static class EventClassifier
{
    public static EventKind Classify(LambdaEvent e)
    {
        if (e.Warmup == true || (e.Source == "aws.events" && e.DetailType == "Scheduled Event"))
        {
            return EventKind.WarmUp;
        }

        if (e.Version == "2.0" && e.RequestContext?.Http is not null)
        {
            return EventKind.ApiGatewayV2;
        }

        if (e.HttpMethod is not null && e.Path is not null)
        {
            return EventKind.ApiGatewayV1;
        }

        return e.Records is { Count: > 0 } records && records.TrueForAll(record => record?.EventSource == "aws:sqs")
            ? EventKind.SqsBatch
            : EventKind.Unknown;
    }

    /// <summary>What arrived, for the error message: the top-level keys or the JSON kind; null when it is not JSON.</summary>
    public static string? DescribeShape(ReadOnlyMemory<byte> payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                ? "an object with keys [" + string.Join(", ", root.EnumerateObject().Take(12).Select(p => p.Name)) + "]"
                : "a JSON " + root.ValueKind.ToString().ToLowerInvariant();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
