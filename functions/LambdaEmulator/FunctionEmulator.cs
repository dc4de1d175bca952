using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace LambdaEmulator;

/// <summary>
/// Invokes a function the way Lambda does: a Runtime API on loopback, one execution environment
/// (process) started on the first invocation, one event at a time, the timeout enforced by killing
/// the process, and a fresh process (a new cold start) after a kill, crash or init error.
/// </summary>
public sealed class FunctionEmulator : IAsyncDisposable
{
    private readonly FunctionDefinition _function;
    private readonly RuntimeApiServer _server;
    private readonly TextWriter? _echo;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private FunctionProcess? _process;

    private FunctionEmulator(FunctionDefinition function, RuntimeApiServer server, TextWriter? echo)
    {
        _function = function;
        _server = server;
        _echo = echo;
    }

    public string RuntimeApiAddress => _server.Address;

    /// <summary>The id of the current function process; null before the first invocation and after a kill.</summary>
    public int? ProcessId => _process?.Id;

    /// <param name="echo">Where to copy the function's stdout and stderr, if anywhere.</param>
    public static async Task<FunctionEmulator> StartAsync(FunctionDefinition function, TextWriter? echo = null, CancellationToken cancellationToken = default)
    {
        var server = await RuntimeApiServer.StartAsync(function.FunctionName, cancellationToken).ConfigureAwait(false);
        return new FunctionEmulator(function, server, echo);
    }

    public async Task<InvocationResult> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await InvokeOneAsync(payload.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>The last output of the current (or last) function process.</summary>
    public string RecentOutput() => _process?.RecentOutput() ?? string.Empty;

    public async ValueTask DisposeAsync()
    {
        DiscardProcess();
        await _server.DisposeAsync().ConfigureAwait(false);
        _oneAtATime.Dispose();
    }

    private async Task<InvocationResult> InvokeOneAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var coldStart = _process is null;
        if (coldStart)
        {
            _server.ResetInitError();
            _process = FunctionProcess.Start(_function, _server.Address, _echo);
        }

        var process = _process!;
        var invocation = _server.Enqueue(payload, _function.Timeout);
        try
        {
            // Init phase: until the function asks for the event (Lambda's init limit is 10 s).
            var init = await Task.WhenAny(invocation.Started, _server.InitError, process.Exited, Task.Delay(_function.InitTimeout, cancellationToken)).ConfigureAwait(false);
            ThrowIfCallerGaveUp(cancellationToken);
            if (init == _server.InitError)
            {
                DiscardProcess();
                return Failed(InvocationStatus.InitError, invocation, await _server.InitError.ConfigureAwait(false), coldStart, clock);
            }

            if (init != invocation.Started)
            {
                return await EndWithoutAnswerAsync(invocation, process, coldStart, clock, $"The function did not ask for an event within the init limit of {_function.InitTimeout.TotalSeconds:0.#} s.").ConfigureAwait(false);
            }

            TimeSpan? initDuration = coldStart ? clock.Elapsed : null;
            var answered = await Task.WhenAny(invocation.Outcome, process.Exited, Task.Delay(_function.Timeout, cancellationToken)).ConfigureAwait(false);
            ThrowIfCallerGaveUp(cancellationToken);
            if (answered != invocation.Outcome)
            {
                return await EndWithoutAnswerAsync(invocation, process, coldStart, clock, $"Task timed out after {_function.Timeout.TotalSeconds:0.##} seconds.").ConfigureAwait(false);
            }

            var (status, body, error) = await invocation.Outcome.ConfigureAwait(false);
            return new InvocationResult(status, invocation.RequestId, body, error, coldStart, clock.Elapsed, initDuration);
        }
        finally
        {
            _server.Forget(invocation);
        }
    }

    private async Task<InvocationResult> EndWithoutAnswerAsync(PendingInvocation invocation, FunctionProcess process, bool coldStart, Stopwatch clock, string timeoutMessage)
    {
        if (process.Exited.IsCompleted)
        {
            // The init error may race the process exit; prefer the function's own explanation.
            if (_server.InitError.IsCompleted)
            {
                DiscardProcess();
                return Failed(InvocationStatus.InitError, invocation, await _server.InitError.ConfigureAwait(false), coldStart, clock);
            }

            var message = $"The function process exited with code {process.ExitCode} without answering. Its last output:\n{process.RecentOutput()}";
            DiscardProcess();
            return Failed(InvocationStatus.ProcessExited, invocation, new EmulatedError("Runtime.ExitError", message, []), coldStart, clock);
        }

        DiscardProcess();
        return Failed(InvocationStatus.TimedOut, invocation, new EmulatedError("Sandbox.Timedout", timeoutMessage, []), coldStart, clock);
    }

    /// <summary>A caller that stops waiting leaves the process mid-event: discard it, as a timeout would.</summary>
    private void ThrowIfCallerGaveUp(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            DiscardProcess();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private void DiscardProcess()
    {
        _process?.Dispose();
        _process = null;
    }

    private static InvocationResult Failed(InvocationStatus status, PendingInvocation invocation, EmulatedError error, bool coldStart, Stopwatch clock)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["errorType"] = error.ErrorType,
            ["errorMessage"] = error.ErrorMessage,
        });
        return new InvocationResult(status, invocation.RequestId, body, error, coldStart, clock.Elapsed);
    }
}
