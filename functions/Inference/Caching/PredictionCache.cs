using Amazon.DynamoDBv2;
using Inference.Service;

namespace Inference.Caching;

/// <summary>Where a lookup found its answer, and why the shared cache did not answer when it failed.</summary>
public readonly record struct CacheLookup(CachedPrediction? Value, string? Source, string? Error)
{
    public const string Memory = "memory";
    public const string Shared = "shared";
}

/// <summary>What storing an answer did: <see cref="SharedSkipped"/> when the shared store cannot hold it, or the shared store's failure.</summary>
public readonly record struct CacheStore(bool SharedSkipped, string? Error);

/// <summary>
/// The prediction cache: the in-function LRU first, then the optional shared cache. The shared cache is best effort:
/// a failure or a slow answer becomes an error message for the log, and the request is served from the model.
/// </summary>
/// <param name="health">Told of every shared-cache call's outcome, to report outages once; none when null.</param>
public sealed class PredictionCache(LruPredictionCache? memory, IPredictionCache? shared, TimeSpan sharedTimeout,
    SharedCacheHealth? health = null) : IDisposable
{
    /// <summary>Not 64 hex digits, so it can never be a real entry's key.</summary>
    public const string WarmUpKey = "warm-up";

    private static readonly TimeSpan WarmUpTimeout = TimeSpan.FromSeconds(5);

    /// <returns>null when the options turn caching off.</returns>
    public static PredictionCache? Create(PredictionCacheOptions options, Func<IAmazonDynamoDB> dynamoDb, TimeProvider time,
        SharedCacheHealth? health = null)
    {
        if (!options.Enabled)
        {
            return null;
        }

        var memory = options.MaxEntries > 0 ? new LruPredictionCache(options.MaxEntries, options.MaxBytes) : null;
        IPredictionCache? shared = (options.Table, options.RedisEndpoint) switch
        {
            ({ } table, _) => new DynamoDbPredictionCache(dynamoDb(), table, options.Ttl, time),
            (_, { } endpoint) => new RedisPredictionCache(endpoint, options.RedisTls, options.Ttl, options.Timeout),
            _ => null,
        };
        return new PredictionCache(memory, shared, options.Timeout, health);
    }

    /// <summary>
    /// Makes one read from the shared cache, so the client's first-call costs (endpoint, credentials, TLS) are paid
    /// during init instead of by the first request, whose lookup would otherwise run past its time limit.
    /// </summary>
    /// <returns>Why the read failed (a missing table or permission shows up here, at init), or null.</returns>
    public async Task<string?> WarmUpAsync(CancellationToken cancellationToken)
    {
        if (shared is null)
        {
            return null;
        }

        var result = await BestEffort.RunAsync(t => shared.GetAsync(WarmUpKey, t), WarmUpTimeout, cancellationToken).ConfigureAwait(false);
        return result.Error;
    }

    public async ValueTask<CacheLookup> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (memory is not null && memory.TryGet(key, out var local))
        {
            return new CacheLookup(local, CacheLookup.Memory, null);
        }

        if (shared is null)
        {
            return default;
        }

        var result = await BestEffort.RunAsync(t => shared.GetAsync(key, t), sharedTimeout, cancellationToken).ConfigureAwait(false);
        Report(result.Error);
        if (result.Value is { } found)
        {
            memory?.Set(key, found);
            return new CacheLookup(found, CacheLookup.Shared, null);
        }

        return new CacheLookup(null, null, result.Error);
    }

    public async ValueTask<CacheStore> SetAsync(string key, CachedPrediction value, CancellationToken cancellationToken)
    {
        memory?.Set(key, value);
        if (shared is null)
        {
            return default;
        }

        var result = await BestEffort.RunAsync(t => shared.SetAsync(key, value, t), sharedTimeout, cancellationToken).ConfigureAwait(false);
        Report(result.Error);
        return new CacheStore(result.Error is null && !result.Value, result.Error);
    }

    /// <summary>Closes the shared cache's connection, if it holds one.</summary>
    public void Dispose() => (shared as IDisposable)?.Dispose();

    private void Report(string? error)
    {
        if (error is null)
        {
            health?.Succeeded();
        }
        else
        {
            health?.Failed(error);
        }
    }
}
