using System.Collections.Concurrent;
using Inference.Service;
using Microsoft.Extensions.Time.Testing;

namespace Inference.Tests;

/// <summary>The dynamic batcher's rules on a clock the test moves: a full batch runs at once, a lone item waits at most max wait,
/// cancelled callers are left out and their results freed, and a failing item fails alone.</summary>
public sealed class DynamicBatcherTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly FakeTimeProvider _time = new();
    private readonly ConcurrentQueue<int[]> _runs = new();
    private readonly ConcurrentBag<int> _released = [];
    private readonly ConcurrentBag<int> _discarded = [];

    [Fact]
    public async Task A_full_batch_runs_at_once_and_each_caller_gets_its_own_result()
    {
        await using var batcher = Batcher(maxSize: 3, Hour);

        var results = await Task.WhenAll(batcher.RunAsync(1, default), batcher.RunAsync(2, default), batcher.RunAsync(3, default));

        Assert.Equal([10, 20, 30], results.Select(r => r.Value));
        Assert.All(results, r => Assert.Equal(3, r.BatchSize));
        Assert.Equal([[1, 2, 3]], _runs);
        Assert.Equal([1, 2, 3], _released.Order());
    }

    [Fact]
    public async Task A_batch_that_is_not_full_waits_for_company_exactly_until_max_wait_has_passed()
    {
        await using var batcher = Batcher(maxSize: 8, TimeSpan.FromMilliseconds(10));
        var first = batcher.RunAsync(1, default);
        var second = batcher.RunAsync(2, default);

        _time.Advance(TimeSpan.FromMilliseconds(9));
        await Task.Delay(100); // the loop had every chance to run early; on this clock it must not
        Assert.False(first.IsCompleted);
        Assert.Empty(_runs);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var results = await Task.WhenAll(first, second);

        Assert.Equal([10, 20], results.Select(r => r.Value));
        Assert.Equal([[1, 2]], _runs);
    }

    [Fact]
    public async Task A_request_that_already_waited_max_wait_behind_a_running_batch_goes_with_whatever_is_queued()
    {
        var gate = new ManualResetEventSlim();
        var started = new TaskCompletionSource();
        await using var batcher = Batcher(maxSize: 2, TimeSpan.FromMilliseconds(10), items =>
        {
            if (items.Contains(1))
            {
                started.TrySetResult();
                gate.Wait();
            }
        });
        var running = Task.WhenAll(batcher.RunAsync(1, default), batcher.RunAsync(2, default));
        await started.Task;
        var late = batcher.RunAsync(3, default);
        _time.Advance(TimeSpan.FromMilliseconds(50)); // item 3 waits longer than max wait, but for the run, not for company
        gate.Set();
        await running;

        var result = await late; // no further clock move: it must not wait again

        Assert.Equal(1, result.BatchSize);
        Assert.Equal([[1, 2], [3]], _runs);
    }

    [Fact]
    public async Task A_caller_that_cancels_returns_at_once_and_its_item_is_left_out_and_released()
    {
        await using var batcher = Batcher(maxSize: 3, Hour);
        using var cancel = new CancellationTokenSource();
        var cancelled = batcher.RunAsync(1, cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var others = await Task.WhenAll(batcher.RunAsync(2, default), batcher.RunAsync(3, default), batcher.RunAsync(4, default));

        Assert.Equal([20, 30, 40], others.Select(r => r.Value));
        Assert.DoesNotContain(_runs, run => run.Contains(1));
        Assert.Contains(1, _released);
    }

    [Fact]
    public async Task A_result_whose_caller_cancelled_during_the_run_is_discarded_and_the_others_get_theirs()
    {
        var gate = new ManualResetEventSlim();
        var started = new TaskCompletionSource();
        await using var batcher = Batcher(maxSize: 2, Hour, _ =>
        {
            started.TrySetResult();
            gate.Wait();
        });
        using var cancel = new CancellationTokenSource();
        var leaving = batcher.RunAsync(1, cancel.Token);
        var staying = batcher.RunAsync(2, default);
        await started.Task;

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving); // without waiting for the run
        gate.Set();

        Assert.Equal(20, (await staying).Value);
        Assert.Equal([10], _discarded);
    }

    [Fact]
    public async Task When_a_batch_fails_each_item_runs_alone_so_only_the_failing_item_gets_the_error()
    {
        await using var batcher = Batcher(maxSize: 3, Hour, items =>
        {
            if (items.Contains(-1))
            {
                throw new InvalidOperationException("bad item -1");
            }
        });

        var good = batcher.RunAsync(1, default);
        var bad = batcher.RunAsync(-1, default);
        var alsoGood = batcher.RunAsync(3, default);

        Assert.Equal(10, (await good).Value);
        Assert.Equal(30, (await alsoGood).Value);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        Assert.Equal("bad item -1", error.Message);
        Assert.Equal([[1, -1, 3], [1], [-1], [3]], _runs);
        Assert.Equal([-1, 1, 3], _released.Order());
    }

    private DynamicBatcher<int, int> Batcher(int maxSize, TimeSpan maxWait, Action<IReadOnlyList<int>>? during = null) =>
        new(items =>
        {
            _runs.Enqueue([.. items]);
            during?.Invoke(items);
            return [.. items.Select(i => i * 10)];
        }, _discarded.Add, _released.Add, maxSize, maxWait, _time);
}
