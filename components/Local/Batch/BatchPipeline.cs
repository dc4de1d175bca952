using Inference.Contracts;

namespace Infra.Local.Batch;

/// <summary>
/// Lambda's SQS event source mapping and the queue's redrive policy, locally: new inputs become SQS-of-S3 events in
/// batches (batch size, batching window), the function writes each input's record, inputs it hands back are delivered
/// again up to the max receive count, and poison inputs (an error record, or every delivery failed) move to the
/// dead-letter location with a reason. Every input ends in exactly one result or one dead-letter entry, and an input
/// with a result is not delivered again until it changes. An input that cannot be handled locally (a key that cannot be
/// a file path, <see cref="ObjectKeyPaths"/>; a symbolic link in the input folder) is refused: it goes to the dead-letter
/// location at once, undelivered, with the reason. One batch is delivered at a time, to Lambda or to AWS Batch jobs
/// (<see cref="IBatchDelivery"/>).
/// </summary>
public sealed class BatchPipeline(IBatchObjects objects, BatchPipelineSettings settings, IBatchDelivery deliverer, TextWriter log, string name)
{
    /// <summary>The Lambda path: each batch as one SQS event to <paramref name="function"/>.</summary>
    public BatchPipeline(IBatchObjects objects, BatchPipelineSettings settings, IBatchFunction function, TextWriter log, string name)
        : this(objects, settings, new LambdaDelivery(function, objects?.InputBucket ?? throw new ArgumentNullException(nameof(objects)), $"{name}-queue"), log, name)
    {
    }

    private readonly InputTracker _tracker = new(settings);
    private readonly List<(Delivery Delivery, DateTimeOffset ReadySince)> _queue = [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await GuardAsync(null, () => ScanAsync(cancellationToken)).ConfigureAwait(false);
            if (TakeBatch(DateTimeOffset.UtcNow) is { } batch)
            {
                await DeliverAsync(batch, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await Task.Delay(settings.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ScanAsync(CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var input in _tracker.Ready(await objects.ListInputsAsync(cancellationToken).ConfigureAwait(false), now))
        {
            if (Refusal(input) is { } refusal)
            {
                var refused = new Delivery(Guid.NewGuid().ToString(), input, 0);
                await GuardAsync(input.Key, () => DeadLetterAsync(refused, DeadLetterReason.FromRefusal(objects.InputBucket, refused, refusal, now), $"refused: {refusal}", cancellationToken)).ConfigureAwait(false);
                continue;
            }

            var delivery = new Delivery(Guid.NewGuid().ToString(), input, 1);
            await GuardAsync(input.Key, async () =>
            {
                // A record newer than the input was written before a restart: settle it without a new delivery.
                if (await objects.ReadRecordAsync(settings.ResultKeyFor(input.Key), cancellationToken).ConfigureAwait(false) is { } record
                    && record.WrittenAt >= input.LastModified)
                {
                    await SettleAsync(delivery, record, cancellationToken).ConfigureAwait(false);
                    return;
                }

                _queue.Add((delivery, now));
            }).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Why an input is not delivered: the folders (the function's folder store, the dead-letter folder) keep every input
    /// and record under its key, so a key that cannot be a path there is refused in every mode, as the folder store
    /// refuses it.
    /// </summary>
    private static string? Refusal(InputObject input) =>
        input.Refusal ?? (ObjectKeyPaths.Problem(input.Key) is { } problem ? $"the key cannot be kept as a local file: {problem}" : null);

    /// <summary>A batch when it is full or its oldest message has waited the batching window, as the event source mapping does.</summary>
    private List<Delivery>? TakeBatch(DateTimeOffset now)
    {
        if (_queue.Count == 0 || (_queue.Count < settings.BatchSize && now - _queue[0].ReadySince < settings.BatchingWindow))
        {
            return null;
        }

        var batch = _queue.Take(settings.BatchSize).Select(q => q.Delivery).ToList();
        _queue.RemoveRange(0, batch.Count);
        return batch;
    }

    private async Task DeliverAsync(List<Delivery> batch, CancellationToken cancellationToken)
    {
        var failures = await deliverer.DeliverAsync(batch, cancellationToken).ConfigureAwait(false);
        foreach (var delivery in batch)
        {
            await GuardAsync(delivery.Input.Key, async () =>
            {
                if (failures.TryGetValue(delivery.MessageId, out var error))
                {
                    await RetryOrDeadLetterAsync(delivery, error, cancellationToken).ConfigureAwait(false);
                }
                else if (await objects.ReadRecordAsync(settings.ResultKeyFor(delivery.Input.Key), cancellationToken).ConfigureAwait(false) is { } record)
                {
                    await SettleAsync(delivery, record, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await RetryOrDeadLetterAsync(delivery, $"The function answered the batch without writing {settings.ResultKeyFor(delivery.Input.Key)}.", cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs one step; a file moved, locked or unreadable under us is reported and the input released, so the next poll
    /// looks at it afresh (and finds its record, or delivers it again) instead of losing it.
    /// </summary>
    private async Task GuardAsync(string? inputKey, Func<Task> step)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or InvalidDataException or Amazon.Runtime.AmazonServiceException)
        {
            if (inputKey is not null)
            {
                _tracker.Released(inputKey);
            }

            await log.WriteLineAsync(PrintableText.Escape($"batch {name}: {inputKey ?? "listing the inputs"}: {failure.GetType().Name}: {failure.Message}; looking again at the next poll")).ConfigureAwait(false);
        }
    }

    private async Task SettleAsync(Delivery delivery, FunctionRecord record, CancellationToken cancellationToken)
    {
        var resultKey = settings.ResultKeyFor(delivery.Input.Key);
        if (record.IsResult)
        {
            _tracker.Answered(delivery.Input);
            await log.WriteLineAsync(PrintableText.Escape($"batch {name}: {delivery.Input.Key} -> {resultKey}")).ConfigureAwait(false);
            return;
        }

        await DeadLetterAsync(delivery, DeadLetterReason.FromErrorRecord(objects.InputBucket, delivery, record, DateTimeOffset.UtcNow), "error record", cancellationToken).ConfigureAwait(false);
    }

    private async Task RetryOrDeadLetterAsync(Delivery delivery, string error, CancellationToken cancellationToken)
    {
        if (delivery.ReceiveCount < settings.MaxReceiveCount)
        {
            await log.WriteLineAsync(PrintableText.Escape($"batch {name}: {delivery.Input.Key} delivery {delivery.ReceiveCount} of {settings.MaxReceiveCount} failed: {error}")).ConfigureAwait(false);
            // SQS would wait for the visibility timeout; locally the next delivery goes out at once.
            _queue.Add((delivery with { ReceiveCount = delivery.ReceiveCount + 1 }, DateTimeOffset.MinValue));
            return;
        }

        await DeadLetterAsync(delivery, DeadLetterReason.FromFailedDeliveries(objects.InputBucket, delivery, error, DateTimeOffset.UtcNow), error, cancellationToken).ConfigureAwait(false);
    }

    private async Task DeadLetterAsync(Delivery delivery, byte[] reason, string summary, CancellationToken cancellationToken)
    {
        await objects.DeadLetterAsync(delivery.Input.Key, settings.ResultKeyFor(delivery.Input.Key), reason, cancellationToken).ConfigureAwait(false);
        _tracker.Released(delivery.Input.Key);
        await log.WriteLineAsync(PrintableText.Escape($"batch {name}: {delivery.Input.Key} moved to the dead-letter location ({summary})")).ConfigureAwait(false);
    }
}
