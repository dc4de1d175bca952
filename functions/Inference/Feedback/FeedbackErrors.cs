namespace Inference.Feedback;

/// <summary>The stable codes of feedback errors (functions/README.md).</summary>
public static class FeedbackErrors
{
    public const string InvalidFeedback = "invalid_feedback";
    public const string UnknownLabel = "unknown_label";
    public const string PredictionNotFound = "prediction_not_found";
    public const string AmbiguousRequestId = "ambiguous_request_id";
    public const string NoPredictionsLog = "no_predictions_log";
    public const string StoreUnavailable = "feedback_store_unavailable";
}
