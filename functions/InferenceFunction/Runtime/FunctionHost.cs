namespace InferenceFunction.Runtime;

/// <summary>
/// The process lifecycle Lambda expects: init (build the handler; a failure goes to
/// /runtime/init/error and ends the process), then the invocation loop.
/// </summary>
public sealed class FunctionHost
{
    private readonly RuntimeApiClient _client;
    private readonly TimeSpan _safetyMargin;
    private readonly TextWriter _log;

    public FunctionHost(RuntimeApiClient client, TimeSpan safetyMargin, TextWriter log)
    {
        _client = client;
        _safetyMargin = safetyMargin;
        _log = log;
    }

    /// <returns>The process exit code: 1 after an init error, 0 when stopped.</returns>
    public async Task<int> RunAsync(Func<CancellationToken, Task<IInvocationHandler>> initialize, CancellationToken stopToken)
    {
        IInvocationHandler handler;
        try
        {
            handler = await initialize(stopToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var error = LambdaError.FromException(exception);
            await _log.WriteLineAsync($"Init failed: {error.ErrorType}: {error.ErrorMessage}").ConfigureAwait(false);
            await _client.SendInitErrorAsync(error, stopToken).ConfigureAwait(false);
            return 1;
        }

        await new RuntimeLoop(_client, handler, _safetyMargin, TimeProvider.System, _log).RunAsync(stopToken).ConfigureAwait(false);
        return 0;
    }
}
