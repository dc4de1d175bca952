namespace Inference.Predictions;

/// <summary>
/// Retries an action that opens a file with <see cref="FileShare.None"/> (an exclusive advisory lock, flock, on Unix,
/// also against other processes) until no other handle holds the lock. The caller's timeout bounds the wait.
/// </summary>
internal static class ExclusiveFileLock
{
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(5);

    /// <summary>The errno (EWOULDBLOCK) .NET reports as the HResult when another handle holds the file's lock.</summary>
    private const int LockHeldElsewhere = 11;

    public static async Task<T> RunAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await action().ConfigureAwait(false);
            }
            catch (IOException locked) when (locked.HResult == LockHeldElsewhere)
            {
                await Task.Delay(Retry, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
