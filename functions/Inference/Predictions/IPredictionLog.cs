namespace Inference.Predictions;

/// <summary>Where predictions are recorded: one item per input and model version, never the raw input or output.</summary>
public interface IPredictionLog
{
    Task WriteAsync(PredictionLogEntry entry, CancellationToken cancellationToken);
}

/// <summary>One prediction as logged.</summary>
public sealed record PredictionLogEntry
{
    /// <summary><c>sha256:&lt;hex&gt;</c> of the request body for REST; the S3 input key for batch.</summary>
    public required string InputKey { get; init; }
    public required string Model { get; init; }
    public required string ModelVersion { get; init; }
    public required int Status { get; init; }
    public string? ErrorCode { get; init; }
    public required double LatencyMs { get; init; }
    /// <summary>The id the answer carried, which feedback names the prediction by: an /infer request's own id, or the server's.</summary>
    public required string RequestId { get; init; }

    /// <summary>The server's request id (the one in the function's log lines), logged when it differs from <see cref="RequestId"/>.</summary>
    public string? ServerRequestId { get; init; }
    public required long InputBytes { get; init; }

    /// <summary>What the model answered; null for errors.</summary>
    public PredictionOutput? Output { get; init; }
}
