using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace InferenceFunction.Events;

/// <summary>
/// The message SageMaker publishes to an asynchronous endpoint's success or error topic (SageMaker developer guide,
/// "Check prediction results"): <c>eventSource</c> <c>aws:sagemaker</c>, <c>eventName</c> <c>InferenceResult</c>,
/// <c>invocationStatus</c> <c>Completed</c> or <c>Failed</c>, <c>inferenceId</c>, <c>requestParameters.inputLocation</c>,
/// and <c>responseParameters.outputLocation</c> (with its <c>contentType</c>) on success or <c>failureReason</c> (and,
/// where the failure path is set, <c>responseParameters.failureLocation</c>) on error. Read raw (the subscription's raw
/// message delivery) or inside SNS's JSON envelope (<c>Type</c> <c>Notification</c>, the message in <c>Message</c>).
/// </summary>
public sealed partial record AsyncNotification(string InferenceId, bool Completed, string InputLocation, string? OutputLocation,
    string? OutputContentType, string? FailureLocation, string? FailureReason)
{
    /// <summary>The notification in an SQS message body, or null when the body is not one (then it is an S3 notification).</summary>
    public static AsyncNotification? TryParse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (Text(root, "Type") == "Notification" && Text(root, "Message") is { } inner)
            {
                return TryParse(inner);
            }

            if (Text(root, "eventSource") != "aws:sagemaker")
            {
                return null;
            }

            var status = Text(root, "invocationStatus");
            var request = root.TryGetProperty("requestParameters", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
            var response = root.TryGetProperty("responseParameters", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            var input = request.ValueKind == JsonValueKind.Object ? Text(request, "inputLocation") : null;
            if (input is null || status is not ("Completed" or "Failed"))
            {
                throw new InvalidDataException($"A SageMaker notification without an input location or with invocationStatus '{status}' (expected Completed or Failed).");
            }

            string? Response(string name) => response.ValueKind == JsonValueKind.Object ? Text(response, name) : null;
            return new AsyncNotification(Text(root, "inferenceId") ?? "", status == "Completed", input, Response("outputLocation"),
                Response("contentType"), Response("failureLocation"), Text(root, "failureReason"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The container's own HTTP status when SageMaker's reason quotes it ("Received client error (400) from model ..."):
    /// a 4xx is the model refusing this input, a permanent answer that becomes the input's error record.
    /// </summary>
    public int? ModelClientStatus =>
        FailureReason is { } reason && ClientError().Match(reason) is { Success: true } match
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : null;

    /// <summary>Splits <c>s3://bucket/key</c>.</summary>
    public static (string Bucket, string Key) SplitS3Uri(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        const string scheme = "s3://";
        var slash = uri.StartsWith(scheme, StringComparison.Ordinal) ? uri.IndexOf('/', scheme.Length) : -1;
        if (slash <= scheme.Length || slash == uri.Length - 1)
        {
            throw new InvalidDataException($"'{uri}' is not an S3 object URI (s3://bucket/key).");
        }

        return (uri[scheme.Length..slash], uri[(slash + 1)..]);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex(@"client error \((4\d\d)\)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ClientError();
}
