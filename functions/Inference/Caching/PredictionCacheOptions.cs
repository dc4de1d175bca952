using Inference.Contracts;
using Inference.Service;

namespace Inference.Caching;

/// <summary>The prediction cache's settings: the per-instance LRU and the optional shared cache (a DynamoDB table or Redis).</summary>
public sealed record PredictionCacheOptions
{
    public const int DefaultMaxEntries = 1000;
    public const long DefaultMaxBytes = 16 * 1024 * 1024;

    /// <summary>Entries the in-function LRU holds; 0 turns it off.</summary>
    public int MaxEntries { get; init; } = DefaultMaxEntries;

    /// <summary>Total bytes (keys and bodies) the in-function LRU holds.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>The shared cache's DynamoDB table; null for none.</summary>
    public string? Table { get; init; }

    /// <summary>The shared cache's Redis/Valkey server; null for none. Never set together with <see cref="Table"/>.</summary>
    public RedisEndpoint? RedisEndpoint { get; init; }

    /// <summary>Whether the Redis connection uses TLS; ElastiCache Serverless accepts nothing else.</summary>
    public bool RedisTls { get; init; } = true;

    public TimeSpan Ttl { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How long one shared-cache call may take before the request goes on without it.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(200);

    public bool Enabled => MaxEntries > 0 || Table is not null || RedisEndpoint is not null;

    public static PredictionCacheOptions FromEnvironment(EnvironmentValues values)
    {
        var defaults = new PredictionCacheOptions();
        var table = values.Get(FunctionEnvironment.PredictionCacheTable);
        var redis = values.Get(FunctionEnvironment.PredictionCacheRedisEndpoint);
        if (table is not null && redis is not null)
        {
            throw new InvalidOperationException(
                $"PREDICTION_CACHE_TABLE is '{table}' and PREDICTION_CACHE_REDIS_ENDPOINT is '{redis}'; allowed: one shared cache, so set at most one of them.");
        }

        return new PredictionCacheOptions
        {
            MaxEntries = (int?)values.Long(FunctionEnvironment.PredictionCacheMaxEntries, 0, 10_000_000) ?? defaults.MaxEntries,
            MaxBytes = values.Long(FunctionEnvironment.PredictionCacheMaxBytes, 1, 1L << 40) ?? defaults.MaxBytes,
            Table = table,
            RedisEndpoint = redis is null ? null : Caching.RedisEndpoint.TryParse(redis)
                ?? throw new InvalidOperationException(
                    $"PREDICTION_CACHE_REDIS_ENDPOINT is '{redis}'; allowed: host:port with a port from 1 to 65535, e.g. my-cache-abc123.serverless.use1.cache.amazonaws.com:6379."),
            RedisTls = values.Get(FunctionEnvironment.PredictionCacheRedisTls) switch
            {
                null or "true" => true,
                "false" => false,
                var other => throw new InvalidOperationException($"PREDICTION_CACHE_REDIS_TLS is '{other}'; allowed: true, false."),
            },
            Ttl = values.Long(FunctionEnvironment.PredictionCacheTtlSeconds, 1, 365L * 86_400) is { } seconds ? TimeSpan.FromSeconds(seconds) : defaults.Ttl,
            Timeout = values.Long(FunctionEnvironment.PredictionCacheTimeoutMs, 1, 60_000) is { } ms ? TimeSpan.FromMilliseconds(ms) : defaults.Timeout,
        };
    }
}
