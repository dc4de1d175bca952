using InferenceFunction.Events;
using InferenceFunction.Objects;

namespace InferenceFunction.Jobs;

/// <summary>
/// One AWS Batch job: the Lambda path's batch handler run over every object of the job's input, a chunk at a time, so
/// records and the predictions log are written exactly as the Lambda path writes them (the same keys, so a rerun
/// overwrites). An object whose delivery failed transiently is tried again up to <see cref="BatchJobOptions.Attempts"/>
/// times (SQS's maxReceiveCount on the Lambda path), then sent to the dead-letter queue with the reason.
/// </summary>
/// <returns>From <see cref="RunAsync"/>: 0 when every object has its record or its dead letter; 1 when something could not
/// be recorded anywhere (the input could not be read, or a dead letter could not be sent): Batch then retries the job,
/// and a job that fails every attempt reaches the dead-letter queue through the failed-job rule.</returns>
public sealed class BatchJob(SqsS3BatchHandler handler, IObjectStore objects, IDeadLetterQueue deadLetters, BatchJobOptions options, TextWriter log)
{
    public async Task<int> RunAsync(BatchJobInput input, string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        IReadOnlyList<S3ObjectReference> pending;
        try
        {
            pending = await input.ObjectsAsync(objects, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            await log.WriteLineAsync($"batch job {jobId}: cannot list the objects of {input}: {failure.GetType().Name}: {failure.Message}").ConfigureAwait(false);
            return 1;
        }

        await log.WriteLineAsync($"batch job {jobId}: {pending.Count} object(s) from {input}").ConfigureAwait(false);
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var attempt = 1; attempt <= options.Attempts && pending.Count > 0; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(options.RetryDelay * (attempt - 1), cancellationToken).ConfigureAwait(false);
            }

            var failed = new List<S3ObjectReference>();
            foreach (var chunk in pending.Chunk(options.ChunkSize))
            {
                var items = chunk.Select(o => new BatchItem(o.LogKey, () => [o])).ToList();
                var retried = await handler.HandleItemsAsync(items, jobId, () => false, cancellationToken).ConfigureAwait(false);
                foreach (var reference in chunk.Where(o => retried.ContainsKey(o.LogKey)))
                {
                    reasons[reference.LogKey] = retried[reference.LogKey];
                    failed.Add(reference);
                    await log.WriteLineAsync($"batch job {jobId}: {reference.LogKey} attempt {attempt} of {options.Attempts} failed: {retried[reference.LogKey]}").ConfigureAwait(false);
                }
            }

            pending = failed;
        }

        var unrecorded = 0;
        foreach (var reference in pending)
        {
            var reason = $"{options.Attempts} attempt(s) failed; the last: {reasons[reference.LogKey]}";
            try
            {
                await deadLetters.SendAsync(reference, reason, jobId, cancellationToken).ConfigureAwait(false);
                await log.WriteLineAsync($"batch job {jobId}: {reference.LogKey} moved to the dead-letter queue ({reason})").ConfigureAwait(false);
            }
            catch (Exception failure) when (failure is not OutOfMemoryException)
            {
                unrecorded++;
                await log.WriteLineAsync($"batch job {jobId}: {reference.LogKey} has no record and could not be dead-lettered: {failure.GetType().Name}: {failure.Message}").ConfigureAwait(false);
            }
        }

        return unrecorded == 0 ? 0 : 1;
    }
}
