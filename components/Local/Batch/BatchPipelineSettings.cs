using Infra.Components;

namespace Infra.Local.Batch;

/// <summary>What the local batch pipeline takes from a <see cref="BatchInference"/> component: its filter, batching and retry settings.</summary>
public sealed record BatchPipelineSettings
{
    public string InputPrefix { get; init; } = "";

    public string InputSuffix { get; init; } = "";

    public string ResultsPrefix { get; init; } = "results/";

    /// <summary>The model and version the batch function serves: part of every record's key.</summary>
    public required string ModelName { get; init; }

    public required string ModelVersion { get; init; }

    /// <summary>Messages per invocation, as the event source mapping's BatchSize.</summary>
    public int BatchSize { get; init; } = 10;

    /// <summary>How long a batch waits to fill up after its first message, as MaximumBatchingWindowInSeconds.</summary>
    public TimeSpan BatchingWindow { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Deliveries before an input moves to the dead-letter folder, as the queue's maxReceiveCount.</summary>
    public int MaxReceiveCount { get; init; } = 3;

    /// <summary>How long a new file's size and time must stay unchanged before it counts as completely written.</summary>
    public TimeSpan StableFor { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the input is listed.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public static BatchPipelineSettings From(BatchInferenceArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new BatchPipelineSettings
        {
            InputPrefix = args.InputPrefix,
            InputSuffix = args.InputSuffix,
            ResultsPrefix = args.ResultsPrefix,
            ModelName = args.ModelName,
            ModelVersion = args.ModelVersion,
            BatchSize = args.BatchSize,
            BatchingWindow = args.BatchingWindow,
            MaxReceiveCount = args.MaxReceiveCount,
        };
    }

    /// <summary>Whether an object with this key would reach the queue through the bucket notification's filter.</summary>
    public bool Accepts(string key) =>
        key.StartsWith(InputPrefix, StringComparison.Ordinal) && key.EndsWith(InputSuffix, StringComparison.Ordinal);

    /// <summary>The function's record for an input: the handler's rule (BatchOptions.ResultKeyFor).</summary>
    public string ResultKeyFor(string inputKey) => $"{ResultsPrefix}{ModelName}/{ModelVersion}/{inputKey}.json";
}
