using System.Diagnostics;
using System.Threading.Channels;

namespace Inference.Service;

/// <summary>One caller's share of a batched run: its result, how many items the run had, and how long it took.</summary>
public readonly record struct BatchedResult<TResult>(TResult Value, int BatchSize, double RunMs);

/// <summary>
/// A short queue in front of a model: items submitted concurrently are run together, up to <c>maxSize</c> at a time. The
/// first item of a batch waits at most <c>maxWait</c> (from when it was submitted) for others; a full batch runs at once.
/// One batch runs at a time, and items arriving meanwhile form the next one. A caller that cancels returns at once, and its
/// item is left out of a batch not yet started (a started run finishes for the others; its share is discarded). When a batch
/// of several fails, each of its items is run alone, so that only the item that fails alone gets the error.
/// </summary>
/// <param name="run">Runs a batch and returns one result per item, in order (synchronous: a model run). A run once started is not
/// stopped when its callers cancel: the others in it still want it.</param>
/// <param name="discard">Frees a result no caller takes (the caller had cancelled).</param>
/// <param name="release">Frees an item once the batcher is done with it: from <see cref="RunAsync"/> on, the batcher owns the item,
/// since its run may still read it after its caller has cancelled and gone.</param>
/// <param name="time">The clock of the wait; a fake one in tests.</param>
public sealed class DynamicBatcher<TItem, TResult> : IAsyncDisposable, IDisposable
{
    private readonly Func<IReadOnlyList<TItem>, IReadOnlyList<TResult>> _run;
    private readonly Action<TResult> _discard;
    private readonly Action<TItem> _release;
    private readonly int _maxSize;
    private readonly TimeSpan _maxWait;
    private readonly TimeProvider _time;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public DynamicBatcher(Func<IReadOnlyList<TItem>, IReadOnlyList<TResult>> run, Action<TResult> discard, Action<TItem> release,
        int maxSize, TimeSpan maxWait, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWait, TimeSpan.Zero);
        _run = run;
        _discard = discard;
        _release = release;
        _maxSize = maxSize;
        _maxWait = maxWait;
        _time = time ?? TimeProvider.System;
        _loop = Task.Run(LoopAsync);
    }

    private long _batches;

    /// <summary>Batches run so far (for tests and benchmarks).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Queues the item and completes with its result once its batch has run.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task<BatchedResult<TResult>> RunAsync(TItem item, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            _release(item);
            cancellationToken.ThrowIfCancellationRequested();
        }

        var pending = new Pending(item, _time.GetTimestamp());
        if (cancellationToken.CanBeCanceled)
        {
            pending.Registration = cancellationToken.Register(static state =>
            {
                var (p, token) = ((Pending, CancellationToken))state!;
                p.Completion.TrySetCanceled(token);
            }, (pending, cancellationToken));
        }

        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Registration.Dispose();
            _release(item);
            throw new ObjectDisposedException(nameof(DynamicBatcher<TItem, TResult>), "The batcher is stopped; the service is being disposed.");
        }

        return pending.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    /// <summary>
    /// Stops taking items without waiting (the function never blocks on a task): those queued still run, on the loop. As
    /// without batching, a host disposes the service once its requests are answered, so none is queued by then.
    /// </summary>
    public void Dispose() => _queue.Writer.TryComplete();

    private async Task LoopAsync()
    {
        var batch = new List<Pending>(_maxSize);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (true)
            {
                while (batch.Count < _maxSize && _queue.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                }

                LeaveOutCancelled(batch); // a cancelled caller holds no place in a batch
                if (batch.Count == 0 || batch.Count >= _maxSize)
                {
                    break;
                }

                // Wait for company only until the batch's oldest item has waited maxWait since it was submitted.
                var waited = _time.GetElapsedTime(batch[0].SubmittedAt);
                if (waited >= _maxWait || !await MoreWithinAsync(_maxWait - waited).ConfigureAwait(false))
                {
                    break;
                }
            }

            if (batch.Count > 0)
            {
                RunBatch(batch);
                batch.Clear();
            }
        }
    }

    private void LeaveOutCancelled(List<Pending> batch) => batch.RemoveAll(p =>
    {
        var cancelled = p.Completion.Task.IsCompleted;
        if (cancelled)
        {
            Finish(p);
        }

        return cancelled;
    });

    /// <returns>True when another item arrived within <paramref name="wait"/>.</returns>
    private async Task<bool> MoreWithinAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait, _time);
        try
        {
            return await _queue.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return false;
        }
    }

    private void RunBatch(List<Pending> batch)
    {
        LeaveOutCancelled(batch);
        if (batch.Count == 0)
        {
            return;
        }

        Interlocked.Increment(ref _batches);
        var started = Stopwatch.GetTimestamp();
        IReadOnlyList<TResult> results;
        try
        {
            results = _run([.. batch.Select(p => p.Item)]);
            if (results.Count != batch.Count)
            {
                throw new InvalidOperationException($"The batch of {batch.Count} items was answered with {results.Count} results.");
            }
        }
        catch (Exception) when (batch.Count > 1)
        {
            // Not hidden: each item runs alone, so the item that fails alone gets its own error and the others their results.
            foreach (var pending in batch)
            {
                RunBatch([pending]);
            }

            return;
        }
        catch (Exception exception)
        {
            Finish(batch[0]);
            batch[0].Completion.TrySetException(exception);
            return;
        }

        var runMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        for (var i = 0; i < batch.Count; i++)
        {
            Finish(batch[i]);
            if (!batch[i].Completion.TrySetResult(new BatchedResult<TResult>(results[i], batch.Count, runMs)))
            {
                _discard(results[i]);
            }
        }
    }

    /// <summary>The batcher is done with the item: no more cancellation callbacks, and the item is freed.</summary>
    private void Finish(Pending pending)
    {
        pending.Registration.Dispose();
        _release(pending.Item);
    }

    private sealed class Pending(TItem item, long submittedAt)
    {
        public TItem Item { get; } = item;
        public long SubmittedAt { get; } = submittedAt;
        public TaskCompletionSource<BatchedResult<TResult>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationTokenRegistration Registration { get; set; }
    }
}
