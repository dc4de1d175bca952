using System.Net;
using Inference.Service;

namespace InferenceFunction.Runtime;

/// <summary>
/// The invocation loop: next → handle → response or error, forever. Each invocation gets a
/// cancellation token bound to its deadline and sets _X_AMZN_TRACE_ID from its trace header.
/// </summary>
public sealed class RuntimeLoop
{
    public const string TraceIdEnvironmentVariable = "_X_AMZN_TRACE_ID";

    private readonly RuntimeApiClient _client;
    private readonly IInvocationHandler _handler;
    private readonly TimeSpan _safetyMargin;
    private readonly TimeProvider _clock;
    private readonly TextWriter _log;

    public RuntimeLoop(RuntimeApiClient client, IInvocationHandler handler, TimeSpan safetyMargin, TimeProvider clock, TextWriter log)
    {
        _client = client;
        _handler = handler;
        _safetyMargin = safetyMargin;
        _clock = clock;
        _log = log;
    }

    /// <summary>Runs until <paramref name="stopToken"/> is cancelled (Lambda itself just freezes or kills the process).</summary>
    public async Task RunAsync(CancellationToken stopToken)
    {
        while (!stopToken.IsCancellationRequested)
        {
            Invocation invocation;
            try
            {
                invocation = await _client.NextInvocationAsync(stopToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopToken.IsCancellationRequested)
            {
                return;
            }

            await ProcessAsync(invocation, stopToken).ConfigureAwait(false);
        }
    }

    public async Task ProcessAsync(Invocation invocation, CancellationToken stopToken)
    {
        Environment.SetEnvironmentVariable(TraceIdEnvironmentVariable, invocation.TraceId);
        var deadline = new InvocationDeadline(invocation.DeadlineUnixMs, _safetyMargin, _clock);
        byte[] response;
        using var budget = deadline.CreateCancellationSource();
        try
        {
            response = await _handler.HandleAsync(invocation, deadline, budget.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException cancelled) when (budget.IsCancellationRequested)
        {
            var error = new FunctionException(
                "DeadlineExceeded",
                $"The invocation did not finish within its deadline minus the {_safetyMargin.TotalMilliseconds:0} ms safety margin. Raise the function timeout, or send less work per event.",
                cancelled);
            await ReportErrorAsync(invocation.RequestId, LambdaError.FromException(error), stopToken).ConfigureAwait(false);
            return;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Every handler failure becomes an invocation error; the process stays up for the next event.
            await ReportErrorAsync(invocation.RequestId, LambdaError.FromException(exception), stopToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await _client.SendResponseAsync(invocation.RequestId, response, stopToken).ConfigureAwait(false);
            await RunAfterResponseAsync(invocation.RequestId, budget.Token).ConfigureAwait(false);
        }
        catch (RuntimeApiException rejected) when (rejected.StatusCode == HttpStatusCode.RequestEntityTooLarge)
        {
            var error = new FunctionException(
                "ResponseTooLarge",
                $"The response has {response.Length} bytes, more than Lambda accepts for a synchronous invocation (6 MB). Return less data, e.g. fewer outputs or a smaller top-k.",
                rejected);
            await ReportErrorAsync(invocation.RequestId, LambdaError.FromException(error), stopToken).ConfigureAwait(false);
        }
        catch (RuntimeApiException refused)
        {
            // E.g. 400 for an invocation Lambda no longer tracks: nothing to retry; go on with the next event.
            await _log.WriteLineAsync($"Invocation {invocation.RequestId}: the response was refused: {refused.Message}").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The caller already has its answer (Lambda returns it as soon as it is posted); the handler's deferred work runs now,
    /// before the next /next, inside this invocation's deadline. Lambda bills this time and keeps the environment busy until
    /// /next, so the work must be bounded; whatever happens to it is logged and goes no further.
    /// </summary>
    private async Task RunAfterResponseAsync(string requestId, CancellationToken budget)
    {
        try
        {
            await _handler.AfterResponseAsync(budget).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            await _log.WriteLineAsync($"Invocation {requestId}: work after the response failed: {exception.GetType().Name}: {exception.Message}").ConfigureAwait(false);
        }
    }

    private async Task ReportErrorAsync(string requestId, LambdaError error, CancellationToken stopToken)
    {
        await _log.WriteLineAsync($"Invocation {requestId} failed: {error.ErrorType}: {error.ErrorMessage}").ConfigureAwait(false);
        await _client.SendInvocationErrorAsync(requestId, error, stopToken).ConfigureAwait(false);
    }
}
