using InferenceFunction.Events;

namespace InferenceFunction.Jobs;

/// <summary>Where a batch job puts an input it could not record, with the reason.</summary>
public interface IDeadLetterQueue
{
    /// <summary>Throws when the input could not be put there (the job then fails, and Batch retries it).</summary>
    Task SendAsync(S3ObjectReference input, string reason, string jobId, CancellationToken cancellationToken);
}
