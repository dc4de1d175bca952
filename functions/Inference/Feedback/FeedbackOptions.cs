using Inference.Contracts;
using Inference.Service;

namespace Inference.Feedback;

/// <summary>The accuracy window: how many judged feedbacks it holds per model version, and how many before it publishes.</summary>
public sealed record FeedbackOptions
{
    public int WindowSize { get; init; } = 100;

    public int MinimumSamples { get; init; } = 20;

    /// <summary>The most the look-up and the write of one feedback may take (a Query on the index and an UpdateItem).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    public static FeedbackOptions FromEnvironment(EnvironmentValues values)
    {
        var defaults = new FeedbackOptions();
        var size = (int?)values.Long(FunctionEnvironment.AccuracyWindow, 1, 100_000) ?? defaults.WindowSize;
        return new FeedbackOptions
        {
            WindowSize = size,
            MinimumSamples = (int?)values.Long(FunctionEnvironment.AccuracyMinSamples, 1, size) ?? Math.Min(defaults.MinimumSamples, size),
            Timeout = values.Long(FunctionEnvironment.FeedbackTimeoutMs, 1, 60_000) is { } ms ? TimeSpan.FromMilliseconds(ms) : defaults.Timeout,
        };
    }
}
