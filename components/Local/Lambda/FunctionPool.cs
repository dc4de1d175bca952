using System.Diagnostics;
using LambdaEmulator;

namespace Infra.Local.Lambda;

/// <summary>Limits of one function's pool.</summary>
/// <param name="ReservedConcurrency">Lambda's limit: above it, invocations are throttled; null for none.</param>
/// <param name="MaxInstances">This machine's limit: above it (and below the reserved concurrency), invocations wait for a free instance.</param>
/// <param name="Provisioned">Instances started and initialized before the first request, never stopped for idleness.</param>
public sealed record PoolLimits(int? ReservedConcurrency, int MaxInstances, int Provisioned, TimeSpan IdleTimeout);

/// <summary>
/// Lambda's concurrency model for one function: each execution environment (instance) handles one
/// request at a time; a request that finds no idle instance starts a new one (a cold start) up to
/// the reserved concurrency, above which Lambda throttles. Provisioned instances are initialized
/// up front; other idle instances stop after the idle timeout.
/// </summary>
public sealed class FunctionPool : IFunctionInvoker, ILocalService
{
    private static readonly byte[] WarmUpEvent = """{"warmup": true}"""u8.ToArray();

    private readonly string _name;
    private readonly PoolLimits _limits;
    private readonly Func<CancellationToken, Task<IExecutionEnvironment>> _startEnvironment;
    private readonly TextWriter _log;
    private readonly Lock _gate = new();
    private readonly List<Instance> _instances = [];
    private readonly Queue<TaskCompletionSource<Instance>> _waiting = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _reaper = Task.CompletedTask;
    private int _nextId;

    public FunctionPool(string name, PoolLimits limits, Func<CancellationToken, Task<IExecutionEnvironment>> startEnvironment, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _name = name;
        _limits = limits;
        _startEnvironment = startEnvironment;
        _log = log;
        Capacity = Math.Min(limits.ReservedConcurrency ?? int.MaxValue, limits.MaxInstances);
    }

    /// <summary>The most instances that may run at once.</summary>
    public int Capacity { get; }

    public FunctionMeasurements Measurements { get; } = new();

    /// <summary>Running instances (busy or idle).</summary>
    public int InstanceCount
    {
        get
        {
            lock (_gate)
            {
                return _instances.Count;
            }
        }
    }

    /// <summary>Starts and initializes the provisioned instances, then the idle reaper.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var provisioned = Math.Min(_limits.Provisioned, Capacity);
        var instances = new List<Instance>();
        lock (_gate)
        {
            for (var i = 0; i < provisioned; i++)
            {
                var instance = new Instance(++_nextId, provisioned: true) { Busy = true };
                _instances.Add(instance);
                instances.Add(instance);
            }
        }

        await Task.WhenAll(instances.Select(instance => WarmAsync(instance, cancellationToken))).ConfigureAwait(false);
        _reaper = ReapIdleInstancesAsync(_stopping.Token);
    }

    public async Task<LocalInvocation> InvokeAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var instance = await AcquireAsync(cancellationToken).ConfigureAwait(false);
        if (instance is null)
        {
            return LocalInvocation.Throttled(_name);
        }

        try
        {
            var environment = await instance.EnvironmentAsync(_startEnvironment).ConfigureAwait(false);
            var result = await environment.InvokeAsync(payload, cancellationToken).ConfigureAwait(false);
            Measurements.Record(result.Duration - (result.InitDuration ?? TimeSpan.Zero), environment.PeakMemoryMb());
            var label = $"{_name}#{instance.Id}";
            return result.Status == InvocationStatus.Succeeded
                ? new LocalInvocation(InvocationOutcome.Answered, result.Payload, label, result.ColdStart, result.Duration)
                : new LocalInvocation(InvocationOutcome.Failed, result.Payload, label, result.ColdStart, result.Duration,
                    $"{result.Status}: {result.Error?.ErrorType}: {result.Error?.ErrorMessage}");
        }
        finally
        {
            Release(instance);
        }
    }

    /// <summary>The recent output of the instance an invocation named (<see cref="LocalInvocation.Instance"/>); empty once it has stopped.</summary>
    public string RecentOutput(string instanceLabel)
    {
        lock (_gate)
        {
            var instance = _instances.FirstOrDefault(i => $"{_name}#{i.Id}" == instanceLabel);
            return instance?.StartedEnvironment?.RecentOutput() ?? string.Empty;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _reaper.ConfigureAwait(false);
        List<Instance> instances;
        lock (_gate)
        {
            instances = [.. _instances];
            _instances.Clear();
            while (_waiting.TryDequeue(out var waiter))
            {
                waiter.TrySetCanceled();
            }
        }

        foreach (var instance in instances)
        {
            await instance.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task WarmAsync(Instance instance, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var environment = await instance.EnvironmentAsync(_startEnvironment).ConfigureAwait(false);
            var result = await environment.InvokeAsync(WarmUpEvent, cancellationToken).ConfigureAwait(false);
            if (result.Status != InvocationStatus.Succeeded)
            {
                throw new ServeException($"{_name}: provisioned instance {instance.Id} failed to initialize ({result.Status}: {result.Error?.ErrorMessage}). Its output:\n{environment.RecentOutput()}");
            }

            await _log.WriteLineAsync($"{_name}#{instance.Id}: provisioned, initialized in {clock.ElapsedMilliseconds} ms").ConfigureAwait(false);
        }
        finally
        {
            Release(instance);
        }
    }

    /// <summary>An idle instance, a new one, or after the machine's limit the next one released; null when Lambda would throttle.</summary>
    private Task<Instance?> AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<Instance> waiter;
        lock (_gate)
        {
            // The most recently used idle instance first, as Lambda reuses warm environments.
            var idle = _instances.Where(i => !i.Busy).MaxBy(i => i.LastUsed);
            if (idle is not null)
            {
                idle.Busy = true;
                return Task.FromResult<Instance?>(idle);
            }

            if (_instances.Count < Capacity)
            {
                var instance = new Instance(++_nextId, provisioned: false) { Busy = true };
                _instances.Add(instance);
                return Task.FromResult<Instance?>(instance);
            }

            if (_limits.ReservedConcurrency is { } reserved && _instances.Count >= reserved)
            {
                return Task.FromResult<Instance?>(null);
            }

            waiter = new TaskCompletionSource<Instance>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter);
        }

        return WaitAsync(waiter, cancellationToken);
    }

    private async Task<Instance?> WaitAsync(TaskCompletionSource<Instance> waiter, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
        return await waiter.Task.ConfigureAwait(false);
    }

    private void Release(Instance instance)
    {
        lock (_gate)
        {
            instance.LastUsed = Stopwatch.GetTimestamp();
            while (_waiting.TryDequeue(out var waiter))
            {
                // A waiter that gave up (cancelled) is skipped; the instance goes to the next one.
                if (waiter.TrySetResult(instance))
                {
                    return;
                }
            }

            instance.Busy = false;
        }
    }

    private async Task ReapIdleInstancesAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromMilliseconds(Math.Clamp(_limits.IdleTimeout.TotalMilliseconds / 4, 50, 5000));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                List<Instance> idle;
                lock (_gate)
                {
                    idle = [.. _instances.Where(i => !i.Busy && !i.Provisioned && Stopwatch.GetElapsedTime(i.LastUsed) >= _limits.IdleTimeout)];
                    _instances.RemoveAll(idle.Contains);
                }

                foreach (var instance in idle)
                {
                    await instance.DisposeAsync().ConfigureAwait(false);
                    await _log.WriteLineAsync($"{_name}#{instance.Id}: stopped after {_limits.IdleTimeout.TotalSeconds:0.#} s idle").ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // serve is stopping.
        }
    }

    /// <summary>One execution environment and its pool bookkeeping (guarded by the pool's lock).</summary>
    private sealed class Instance(int id, bool provisioned) : IAsyncDisposable
    {
        private Task<IExecutionEnvironment>? _environment;

        public int Id { get; } = id;

        public bool Provisioned { get; } = provisioned;

        public bool Busy { get; set; }

        public long LastUsed { get; set; } = Stopwatch.GetTimestamp();

        /// <summary>
        /// Only the instance's current holder calls this, so the start is not raced. The start (the
        /// Runtime API listener; the process starts on the first event) is not tied to one caller's
        /// cancellation: the instance outlives the request that created it.
        /// </summary>
        public Task<IExecutionEnvironment> EnvironmentAsync(Func<CancellationToken, Task<IExecutionEnvironment>> start) =>
            _environment ??= start(CancellationToken.None);

        public IExecutionEnvironment? StartedEnvironment => _environment is { IsCompletedSuccessfully: true } started ? started.Result : null;

        public async ValueTask DisposeAsync()
        {
            if (_environment is { IsCompletedSuccessfully: true } started)
            {
                await started.Result.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
