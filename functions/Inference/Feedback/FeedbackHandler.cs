using System.Text;
using System.Text.Json;
using Inference.Contracts;
using Inference.Service;
using Inference.Protocol;
using Inference.Telemetry;

namespace Inference.Feedback;

/// <summary>
/// <c>POST /v2/models/{name}/feedback</c> with <c>{"requestId": "...", "label": "..."}</c> (classifiers) or
/// <c>{"requestId": "...", "value": 1.5}</c> (anything else): stores the ground truth next to the logged prediction,
/// judges a classifier's top-1 answer, and publishes the model version's accuracy over this instance's sliding
/// window as EMF metrics. Bad feedback is a 4xx naming the problem.
/// </summary>
public sealed class FeedbackHandler(IFeedbackStore? store, AccuracyWindow window, TelemetryWriter telemetry, TimeSpan timeout)
{
    private const int MaxBodyBytes = 16 * 1024;

    public async ValueTask<InferenceResponse> HandleAsync(InferenceRequest request, ModelDefinition model, CancellationToken cancellationToken)
    {
        var (requestId, truth) = Parse(request.Body, model);
        if (store is null)
        {
            throw new ApiException(409, FeedbackErrors.NoPredictionsLog,
                "This function keeps no predictions log (PREDICTIONS_TABLE or PREDICTIONS_LOG_FILE), so there is no prediction to attach feedback to.");
        }

        var match = await StoreAsync(model.Name, requestId, truth, cancellationToken).ConfigureAwait(false)
            ?? throw new ApiException(404, FeedbackErrors.PredictionNotFound,
                $"The predictions log holds no prediction of model '{model.Name}' with request id '{requestId}': only a sampled share of requests " +
                "is logged (PREDICTIONS_SAMPLE_RATE), and a prediction can take a second to become findable; use the 'id' of the prediction's answer.");

        var (accuracy, samples) = match.Correct is { } correct ? window.Add(match.Model, match.Version, correct) : (null, 0);
        telemetry.WriteFeedback(new FeedbackRecord(request.RequestId, requestId, match.Model, match.Version, match.Correct, accuracy, samples));
        return new InferenceResponse(200, JsonHeaders, Answer(match, requestId, accuracy, samples));
    }

    /// <summary>The store's own failures (a timeout, a DynamoDB error) are a 503 naming them: the feedback was fine, a retry may pass.</summary>
    private async Task<FeedbackMatch?> StoreAsync(string model, string requestId, GroundTruth truth, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await store!.StoreAsync(model, requestId, truth, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ApiException(503, FeedbackErrors.StoreUnavailable, $"The predictions log did not answer within {timeout.TotalMilliseconds} ms; retry the feedback.");
        }
        catch (Exception ex) when (ex is not (ApiException or OperationCanceledException))
        {
            throw new ApiException(503, FeedbackErrors.StoreUnavailable, $"The predictions log failed: {ex.GetType().Name}: {ex.Message}; retry the feedback.");
        }
    }

    private static (string RequestId, GroundTruth Truth) Parse(ReadOnlyMemory<byte> body, ModelDefinition model)
    {
        if (body.Length > MaxBodyBytes)
        {
            throw new ApiException(413, ErrorCodes.PayloadTooLarge, $"Feedback has {body.Length} bytes; at most {MaxBodyBytes} are accepted.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidJson, $"Feedback is not JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("Feedback must be a JSON object: {\"requestId\": \"...\", \"label\": \"...\"} or {\"requestId\": \"...\", \"value\": 1.5}.");
            }

            foreach (var property in root.EnumerateObject().Where(p => p.Name is not ("requestId" or "label" or "value")))
            {
                throw ApiException.BadRequestQuoting(FeedbackErrors.InvalidFeedback, property.Name,
                    quoted => $"Unknown field '{quoted}'; feedback has 'requestId' and either 'label' or 'value'.");
            }

            if (!root.TryGetProperty("requestId", out var id) || id.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(id.GetString()))
            {
                throw Invalid("Field 'requestId' is missing or not a non-empty string; send the 'id' of the prediction's answer.");
            }

            if (id.GetString()!.Length > RequestIds.MaxLength)
            {
                throw Invalid($"Field 'requestId' has {id.GetString()!.Length} characters; an answer's 'id' has at most {RequestIds.MaxLength}.");
            }

            var classifier = model.Config.Postprocessing?.Type == "classification";
            var hasLabel = root.TryGetProperty("label", out var label);
            var hasValue = root.TryGetProperty("value", out var value);
            if (classifier)
            {
                if (!hasLabel || hasValue)
                {
                    throw Invalid($"Model '{model.Name}' is a classifier: send the true class as 'label' (a string), and no 'value'.");
                }

                if (label.ValueKind != JsonValueKind.String)
                {
                    throw Invalid($"Field 'label' is {Kind(label)}; model '{model.Name}' takes a label string, one of: {string.Join(", ", model.Labels)}.");
                }

                var text = label.GetString()!;
                if (model.Labels.Count > 0 && !model.Labels.Contains(text, StringComparer.Ordinal))
                {
                    throw ApiException.BadRequestQuoting(FeedbackErrors.UnknownLabel, text,
                        quoted => $"Label '{quoted}' is not one of model '{model.Name}''s labels: {string.Join(", ", model.Labels)}.");
                }

                return (id.GetString()!, new GroundTruth(text, null));
            }

            if (!hasValue || hasLabel)
            {
                throw Invalid($"Model '{model.Name}' is not a classifier: send the true value as 'value' (a number), and no 'label'.");
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
            {
                throw Invalid($"Field 'value' is {Kind(value)}; model '{model.Name}' takes a finite number.");
            }

            return (id.GetString()!, new GroundTruth(null, number));
        }
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    private static ApiException Invalid(string message) => ApiException.BadRequest(FeedbackErrors.InvalidFeedback, message);

    private static ReadOnlyMemory<byte> Answer(FeedbackMatch match, string requestId, double? accuracy, int samples)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("model_name", match.Model);
            w.WriteString("model_version", match.Version);
            w.WriteString("request_id", requestId);
            w.WriteString("predicted_label", match.PredictedLabel);
            if (match.Correct is { } correct)
            {
                w.WriteBoolean("correct", correct);
            }
            else
            {
                w.WriteNull("correct");
            }

            if (accuracy is { } percent)
            {
                w.WriteNumber("accuracy_percent", Math.Round(percent, 3));
            }
            else
            {
                w.WriteNull("accuracy_percent");
            }

            w.WriteNumber("window_samples", samples);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static readonly IReadOnlyDictionary<string, string> JsonHeaders = new Dictionary<string, string> { ["Content-Type"] = "application/json" };
}
