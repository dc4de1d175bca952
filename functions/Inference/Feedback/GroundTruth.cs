namespace Inference.Feedback;

/// <summary>The true answer a client reports for an earlier prediction: a class label, or a numeric value.</summary>
public sealed record GroundTruth(string? Label, double? Value)
{
    /// <summary>Whether the prediction's top-1 label was right; null when it cannot be judged (a value, or no logged label).</summary>
    public bool? Judge(string? predictedLabel) => Label is not null && predictedLabel is not null ? Label == predictedLabel : null;
}

/// <summary>The feedback a prediction already holds: the first one, which a later one cannot replace.</summary>
public sealed record GivenFeedback(string RequestId, string Version, string FeedbackAt, GroundTruth Truth);

/// <summary>The logged prediction a feedback was stored with.</summary>
public sealed record FeedbackMatch(string Model, string Version, string? PredictedLabel, bool? Correct);

/// <summary>
/// Stores ground truth next to a logged prediction, found by model and request id: the fields <c>groundTruth</c>
/// (S for a label, N for a value), <c>correct</c> (N, 1 or 0, when a top-1 label was logged) and <c>feedbackAt</c>.
/// A prediction takes one feedback: the check and the write are one atomic step, so of concurrent posts one wins.
/// </summary>
public interface IFeedbackStore
{
    /// <returns>The prediction it was stored with, or null when the log holds no prediction of this model with this request id.</returns>
    /// <exception cref="Protocol.ApiException">409 when more than one prediction of the model has this request id, or when the
    /// prediction already has its feedback (<see cref="FeedbackErrors.Given"/>).</exception>
    Task<FeedbackMatch?> StoreAsync(string model, string requestId, GroundTruth truth, CancellationToken cancellationToken);
}
