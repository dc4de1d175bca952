namespace Inference.Service;

/// <summary>What a best-effort call gave: its value, or the reason it gave none.</summary>
public readonly record struct BestEffortResult<T>(T? Value, string? Error);

/// <summary>
/// Calls an optional remote store (shared cache, predictions log) with a time limit. Its failure must never fail the
/// request, so every exception becomes a message, except the cancellation of the request itself.
/// </summary>
public static class BestEffort
{
    public static async Task<BestEffortResult<T>> RunAsync<T>(Func<CancellationToken, Task<T>> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return new(await call(limit.Token).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new(default, ex is OperationCanceledException && limit.IsCancellationRequested
                ? $"no answer within {timeout.TotalMilliseconds:0} ms"
                : $"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
