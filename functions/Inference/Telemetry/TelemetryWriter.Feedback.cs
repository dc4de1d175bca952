using Inference.Contracts;

namespace Inference.Telemetry;

/// <summary>One stored feedback: which prediction, whether its top-1 label was right, and the window's accuracy after it.</summary>
public sealed record FeedbackRecord(string RequestId, string PredictionRequestId, string Model, string ModelVersion, bool? Correct, double? AccuracyPercent, int WindowSamples);

public sealed partial class TelemetryWriter
{
    /// <summary>
    /// Writes one feedback line. Its metrics carry <c>[Model, ModelVersion]</c>, the version that made the prediction:
    /// <c>Feedback</c> (1), and for a judged classification <c>FeedbackCorrect</c> (1 or 0) and, once the instance's
    /// sliding window holds enough samples, <c>Accuracy</c> (percent) — the metric the accuracy alarm watches.
    /// </summary>
    public void WriteFeedback(FeedbackRecord f)
    {
        Write("INFO", "feedback", w =>
        {
            w.WriteString("requestId", f.RequestId);
            w.WriteString("predictionRequestId", f.PredictionRequestId);
            w.WriteNumber("windowSamples", f.WindowSamples);
            var metrics = new List<FunctionMetric> { FunctionMetrics.Feedback };
            if (f.Correct is not null)
            {
                metrics.Add(FunctionMetrics.FeedbackCorrect);
            }

            if (f.AccuracyPercent is not null)
            {
                metrics.Add(FunctionMetrics.Accuracy);
            }

            WriteEmf(w, ([FunctionMetrics.ByVersion], [.. metrics]));
            w.WriteString(FunctionMetrics.Model, f.Model);
            w.WriteString(FunctionMetrics.ModelVersion, f.ModelVersion);
            w.WriteNumber(FunctionMetrics.Feedback.Name, 1);
            if (f.Correct is { } correct)
            {
                w.WriteNumber(FunctionMetrics.FeedbackCorrect.Name, correct ? 1 : 0);
            }

            if (f.AccuracyPercent is { } accuracy)
            {
                w.WriteNumber(FunctionMetrics.Accuracy.Name, Math.Round(accuracy, 3));
            }
        });
    }
}
