using System.Collections.Concurrent;
using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using InferenceFunction.Objects;

namespace InferenceFunction.Tests;

/// <summary>
/// An object store that injects S3 faults in front of a real one: the first get or put of the chosen keys fails
/// (throttling on gets, a reset connection on puts), and gets of the broken keys fail every time.
/// It counts the puts that reached the store, per key.
/// </summary>
internal sealed class FlakyObjectStore(
    IObjectStore inner,
    Func<string, bool> getFailsOnce,
    Func<string, bool> putFailsOnce,
    Func<string, bool> getAlwaysFails) : IObjectStore
{
    private readonly ConcurrentDictionary<string, byte> _failedOnce = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, int> StoredPuts { get; } = new(StringComparer.Ordinal);

    public int InjectedFaults { get; private set; }

    public Task<StoredObject?> GetAsync(string bucket, string key, string? versionId, long maxBytes, CancellationToken cancellationToken)
    {
        if (getAlwaysFails(key) || (getFailsOnce(key) && _failedOnce.TryAdd($"get {bucket}/{key}", 0)))
        {
            InjectedFaults++;
            throw new AmazonS3Exception("Please reduce your request rate.", ErrorType.Sender, "SlowDown", "injected", HttpStatusCode.ServiceUnavailable);
        }

        return inner.GetAsync(bucket, key, versionId, maxBytes, cancellationToken);
    }

    public async Task PutAsync(string bucket, string key, byte[] content, string contentType, CancellationToken cancellationToken)
    {
        if (putFailsOnce(key) && _failedOnce.TryAdd($"put {bucket}/{key}", 0))
        {
            InjectedFaults++;
            throw new IOException("Connection reset by peer (injected)");
        }

        await inner.PutAsync(bucket, key, content, contentType, cancellationToken);
        StoredPuts.AddOrUpdate(key, 1, (_, n) => n + 1);
    }

    public Task<IReadOnlyList<string>> ListKeysAsync(string bucket, string prefix, CancellationToken cancellationToken) =>
        inner.ListKeysAsync(bucket, prefix, cancellationToken);
}
