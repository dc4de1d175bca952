using System.Text;
using StackExchange.Redis;

namespace Inference.Caching;

/// <summary>
/// The shared cache in Redis or Valkey (ElastiCache Serverless in the function's VPC). Each answer is one string,
/// <c>prediction-cache:&lt;cache key&gt;</c> = <c>&lt;content type&gt;\n&lt;body bytes&gt;</c>, written by one <c>SET</c> that carries
/// the TTL, so the server expires it. The connection is opened once, in the background, when the cache is created;
/// while the server is unreachable every call fails at once (no backlog), so a lookup costs a miss, not a wait.
/// </summary>
public sealed class RedisPredictionCache : IPredictionCache, IDisposable
{
    /// <summary>Keeps the cache's keys apart from anything else the same server holds.</summary>
    public const string KeyPrefix = "prediction-cache:";

    private const byte Separator = (byte)'\n';

    private readonly Task<ConnectionMultiplexer> _connection;
    private readonly TimeSpan _ttl;

    public RedisPredictionCache(RedisEndpoint endpoint, bool tls, TimeSpan ttl, TimeSpan operationTimeout)
    {
        _ttl = ttl;
        _connection = ConnectionMultiplexer.ConnectAsync(Configuration(endpoint, tls, operationTimeout));
    }

    /// <summary>The client settings: a soft-failing connect that keeps retrying in the background, and no command backlog.</summary>
    public static ConfigurationOptions Configuration(RedisEndpoint endpoint, bool tls, TimeSpan operationTimeout)
    {
        var timeoutMs = (int)Math.Ceiling(operationTimeout.TotalMilliseconds);
        var options = new ConfigurationOptions
        {
            Ssl = tls,
            // Start even when the server is down (the cache is optional); the client reconnects by itself.
            AbortOnConnectFail = false,
            // While disconnected, fail each command at once instead of queueing it until the server is back.
            BacklogPolicy = BacklogPolicy.FailFast,
            // Below the init warm-up's 5 s: a server that is down then costs init 2 s once, and the connect attempt is
            // over before the first request (which would otherwise wait on it up to PREDICTION_CACHE_TIMEOUT_MS).
            ConnectTimeout = 2000,
            // A command the caller gave up on (PREDICTION_CACHE_TIMEOUT_MS) should not linger much longer in the client.
            AsyncTimeout = Math.Max(timeoutMs, 100),
            SyncTimeout = Math.Max(timeoutMs, 100),
            ClientName = "inference-function",
        };
        options.EndPoints.Add(endpoint.Host, endpoint.Port);
        return options;
    }

    public async Task<CachedPrediction?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var value = await database.StringGetAsync(KeyPrefix + key).WaitAsync(cancellationToken).ConfigureAwait(false);
        return value.IsNull ? null : Decode(key, (byte[])value!);
    }

    public async Task<bool> SetAsync(string key, CachedPrediction value, CancellationToken cancellationToken)
    {
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        await database.StringSetAsync(KeyPrefix + key, Encode(value), _ttl).WaitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Closes the connection, or, while the first connect is still under way, closes it as soon as that ends.</summary>
    public void Dispose() =>
        _connection.ContinueWith(connect => connect.Result.Dispose(), CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public static byte[] Encode(CachedPrediction value)
    {
        var contentType = Encoding.UTF8.GetBytes(value.ContentType);
        var bytes = new byte[contentType.Length + 1 + value.Body.Length];
        contentType.CopyTo(bytes, 0);
        bytes[contentType.Length] = Separator;
        value.Body.Span.CopyTo(bytes.AsSpan(contentType.Length + 1));
        return bytes;
    }

    public static CachedPrediction Decode(string key, byte[] bytes)
    {
        var separator = Array.IndexOf(bytes, Separator);
        if (separator < 0)
        {
            throw new InvalidDataException($"The Redis value of '{KeyPrefix}{key}' has no content type line; it was not written by this cache.");
        }

        return new CachedPrediction(bytes.AsMemory(separator + 1), Encoding.UTF8.GetString(bytes, 0, separator));
    }

    private async Task<IDatabase> DatabaseAsync(CancellationToken cancellationToken) =>
        (await _connection.WaitAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();
}
