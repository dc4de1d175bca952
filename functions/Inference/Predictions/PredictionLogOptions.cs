using Inference.Service;

namespace Inference.Predictions;

/// <summary>The predictions log's settings: its DynamoDB table, item lifetime and the share of REST requests logged.</summary>
public sealed record PredictionLogOptions
{
    public const int DefaultTtlDays = 30;

    /// <summary>The DynamoDB table; null for no log.</summary>
    public string? Table { get; init; }

    public int TtlDays { get; init; } = DefaultTtlDays;

    /// <summary>The share of REST and container requests logged, 0 to 1. Batch inputs are always logged.</summary>
    public double SampleRate { get; init; }

    /// <summary>How long one write may take before the request goes on without it.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(500);

    public static PredictionLogOptions FromEnvironment(EnvironmentValues values)
    {
        var table = values.Get("PREDICTIONS_TABLE");
        var rate = values.Double("PREDICTIONS_SAMPLE_RATE", 0, 1);
        if (table is null && rate > 0)
        {
            throw new InvalidOperationException(
                $"PREDICTIONS_SAMPLE_RATE is {rate} but PREDICTIONS_TABLE is not set; set the table the predictions log writes to, or leave the rate unset.");
        }

        var defaults = new PredictionLogOptions();
        return new PredictionLogOptions
        {
            Table = table,
            TtlDays = (int?)values.Long("PREDICTIONS_TTL_DAYS", 1, 3650) ?? defaults.TtlDays,
            SampleRate = rate ?? (table is null ? 0 : 1),
            Timeout = values.Long("PREDICTIONS_TIMEOUT_MS", 1, 60_000) is { } ms ? TimeSpan.FromMilliseconds(ms) : defaults.Timeout,
        };
    }
}
