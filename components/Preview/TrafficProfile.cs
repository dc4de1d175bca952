using Infra.Configuration;

namespace Infra.Preview;

/// <summary>
/// The traffic the cost estimate assumes, from the stack's config. Every stack reads these keys
/// (so <c>synth</c> accepts them too, and a misspelt one is an error like any other key).
/// </summary>
public sealed record TrafficProfile
{
    /// <summary>Predictions per day through the stack's APIs, shared evenly by its API functions.</summary>
    public int RequestsPerDay { get; init; } = 10_000;

    /// <summary>Average billed duration of one prediction, in milliseconds.</summary>
    public double DurationMs { get; init; } = 150;

    /// <summary>95th-percentile duration: what the always-on alternative is sized for.</summary>
    public double P95DurationMs { get; init; } = 300;

    /// <summary>Billed memory instead of each function's configured memory (a what-if); null bills the configured memory.</summary>
    public int? MemoryMb { get; init; }

    /// <summary>Size of one request's payload (an image), in KB: what each batch object stores in S3.</summary>
    public double PayloadKb { get; init; } = 100;

    /// <summary>Objects per day through the stack's batch pipelines, shared evenly by its batch functions.</summary>
    public int BatchObjectsPerDay { get; init; } = 1_000;

    /// <summary>Busiest hour's request rate over the day's average: sizes the always-on alternative.</summary>
    public double PeakFactor { get; init; } = 3;

    /// <summary>Size of the model, in MB: what each function's package or image stores in S3 or ECR.</summary>
    public int ModelSizeMb { get; init; } = 100;

    /// <summary>
    /// Time one GPU instance spends on one prediction, in milliseconds, one at a time: what sizes GPU endpoints and
    /// batch jobs when <c>serve</c> has not measured the server mode. An assumption (no GPU measured it here); dynamic
    /// batching only makes it cheaper.
    /// </summary>
    public double GpuDurationMs { get; init; } = 20;

    /// <summary>Reads the profile; bad values are recorded on <paramref name="config"/> with their key, value and range.</summary>
    public static TrafficProfile Read(StackConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new TrafficProfile();
        var duration = config.GetDouble("trafficDurationMs", defaults.DurationMs, 1, 900_000);
        return new TrafficProfile
        {
            RequestsPerDay = config.GetInt32("trafficRequestsPerDay", defaults.RequestsPerDay, 0, 1_000_000_000),
            DurationMs = duration,
            // Without a p95, assume twice the average: a typical spread for a warm model.
            P95DurationMs = config.GetDouble("trafficP95DurationMs", 2 * duration, 1, 900_000),
            MemoryMb = config.Has("trafficMemoryMb") ? config.GetInt32("trafficMemoryMb", 0, 128, 10_240) : null,
            // Read only when set, as trafficMemoryMb is: stacks without a GPU back end never name it.
            GpuDurationMs = config.Has("trafficGpuDurationMs") ? config.GetDouble("trafficGpuDurationMs", defaults.GpuDurationMs, 0.1, 900_000) : defaults.GpuDurationMs,
            PayloadKb = config.GetDouble("trafficPayloadKb", defaults.PayloadKb, 0, 6_144),
            BatchObjectsPerDay = config.GetInt32("trafficBatchObjectsPerDay", defaults.BatchObjectsPerDay, 0, 1_000_000_000),
            PeakFactor = config.GetDouble("trafficPeakFactor", defaults.PeakFactor, 1, 1_000),
            ModelSizeMb = config.GetInt32("modelSizeMb", defaults.ModelSizeMb, 1, 10_240),
        };
    }
}
