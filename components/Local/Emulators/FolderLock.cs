namespace Infra.Local.Emulators;

/// <summary>
/// An exclusive lock on a folder shared by threads and processes: an open, unshared lock file
/// inside it. The operating system releases it when the holder exits, so a crash leaves no stale lock.
/// </summary>
internal sealed class FolderLock : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);
    private readonly FileStream _file;

    private FolderLock(FileStream file) => _file = file;

    public static async Task<FolderLock> AcquireAsync(string folder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, ".lock");
        while (true)
        {
            try
            {
                return new FolderLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Held by another thread or process: wait for it.
                await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Blocks until the lock is free; for callers that have no async path (a build step).</summary>
    public static FolderLock Acquire(string folder) => AcquireAsync(folder, CancellationToken.None).GetAwaiter().GetResult();

    public ValueTask DisposeAsync() => _file.DisposeAsync();

    public void Dispose() => _file.Dispose();
}
