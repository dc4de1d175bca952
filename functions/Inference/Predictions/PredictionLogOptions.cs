using Inference.Contracts;
using Inference.Service;

namespace Inference.Predictions;

/// <summary>The predictions log's settings: its DynamoDB table (or local JSON-lines file), item lifetime and the share of REST requests logged.</summary>
public sealed record PredictionLogOptions
{
    public const int DefaultTtlDays = 30;

    /// <summary>The DynamoDB table; null for no log or the file log.</summary>
    public string? Table { get; init; }

    /// <summary>The JSON-lines file of local runs, instead of the table; null for none.</summary>
    public string? File { get; init; }

    public int TtlDays { get; init; } = DefaultTtlDays;

    /// <summary>The share of REST and container requests logged, 0 to 1. Batch inputs are always logged.</summary>
    public double SampleRate { get; init; }

    /// <summary>How long one write may take before the request goes on without it.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(500);

    public static PredictionLogOptions FromEnvironment(EnvironmentValues values)
    {
        var table = values.Get(FunctionEnvironment.PredictionsTable);
        var file = values.Get(FunctionEnvironment.PredictionsLogFile);
        if (table is not null && file is not null)
        {
            throw new InvalidOperationException(
                $"PREDICTIONS_TABLE is '{table}' and PREDICTIONS_LOG_FILE is '{file}'; set only one: the table in AWS, the file for local runs.");
        }

        if (file is not null && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(file))))
        {
            throw new InvalidOperationException(
                $"PREDICTIONS_LOG_FILE is '{file}' but its folder {Path.GetDirectoryName(Path.GetFullPath(file))} does not exist; create it or name a file in an existing folder.");
        }

        var rate = values.Double(FunctionEnvironment.PredictionsSampleRate, 0, 1);
        if (table is null && file is null && rate > 0)
        {
            throw new InvalidOperationException(
                $"PREDICTIONS_SAMPLE_RATE is {rate} but PREDICTIONS_TABLE is not set; set the table the predictions log writes to (or PREDICTIONS_LOG_FILE locally), or leave the rate unset.");
        }

        var defaults = new PredictionLogOptions();
        return new PredictionLogOptions
        {
            Table = table,
            File = file is null ? null : Path.GetFullPath(file),
            TtlDays = (int?)values.Long(FunctionEnvironment.PredictionsTtlDays, 1, 3650) ?? defaults.TtlDays,
            SampleRate = rate ?? (table is null && file is null ? 0 : 1),
            Timeout = values.Long(FunctionEnvironment.PredictionsTimeoutMs, 1, 60_000) is { } ms ? TimeSpan.FromMilliseconds(ms) : defaults.Timeout,
        };
    }
}
