using System.Text.Json;
using Inference.Protocol;

namespace Inference.Feedback;

/// <summary>The stable codes of feedback errors (functions/README.md).</summary>
public static class FeedbackErrors
{
    public const string InvalidFeedback = "invalid_feedback";
    public const string UnknownLabel = "unknown_label";
    public const string PredictionNotFound = "prediction_not_found";
    public const string AmbiguousRequestId = "ambiguous_request_id";
    public const string AlreadyGiven = "feedback_already_given";
    public const string NoPredictionsLog = "no_predictions_log";
    public const string StoreUnavailable = "feedback_store_unavailable";

    public static ApiException Ambiguous(string model, string requestId, int count) => new(409, AmbiguousRequestId,
        $"{count} predictions of model '{model}' have request id '{requestId}' (a batch invocation's inputs share it, or clients chose the same " +
        "'id' for different inputs); feedback needs one, so none of them takes it.");

    /// <summary>
    /// The 409 for a second feedback on one prediction: only the first counts (it alone reaches the accuracy metrics), so
    /// a replay can neither change it nor count twice. The body's "feedback" names the first: its request id, model
    /// version, when it was given, and its label or value.
    /// </summary>
    public static ApiException Given(string model, GivenFeedback first) => new(409, AlreadyGiven,
        $"The prediction of model '{model}' with request id '{first.RequestId}' already has its feedback (given {first.FeedbackAt}); " +
        "each prediction takes one feedback, and the first stays.")
    {
        Details = w =>
        {
            w.WriteStartObject("feedback");
            w.WriteString("request_id", first.RequestId);
            w.WriteString("model_version", first.Version);
            w.WriteString("feedback_at", first.FeedbackAt);
            if (first.Truth.Label is { } label)
            {
                w.WriteString("label", label);
            }
            else if (first.Truth.Value is { } value)
            {
                w.WriteNumber("value", value);
            }

            w.WriteEndObject();
        },
    };
}
