using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Inference.Caching;
using StackExchange.Redis;

namespace Inference.Tests;

/// <summary>
/// The Redis shared cache against a real server (Debian's redis-server): the commands, the TTL, a server that is down,
/// and the service's whole path. tests/Inference.Tests/redis-local.sh (and .ci/run) start it and set REDIS_ENDPOINT;
/// without that variable these tests are reported as skipped, except in CI, where they fail.
/// </summary>
public sealed class RedisLocalTests : IDisposable
{
    private const string Predict = "/v2/models/ppocr-cls/predict";
    private static readonly string? Endpoint = Environment.GetEnvironmentVariable("REDIS_ENDPOINT");
    private readonly List<IDisposable> _disposables = [];

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
    }

    private static RedisEndpoint Server
    {
        get
        {
            if (Endpoint is null && Environment.GetEnvironmentVariable("CI") == "true")
            {
                throw new InvalidOperationException("REDIS_ENDPOINT is not set in CI; .ci/run starts redis-server and sets it.");
            }

            Skip.If(Endpoint is null, "REDIS_ENDPOINT is not set; run tests/Inference.Tests/redis-local.sh");
            return RedisEndpoint.TryParse(Endpoint!) ?? throw new InvalidOperationException($"REDIS_ENDPOINT is '{Endpoint}'; expected host:port.");
        }
    }

    private T Own<T>(T disposable) where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    /// <summary>A plain client, to look at what the cache wrote.</summary>
    private IDatabase Raw() => Own(ConnectionMultiplexer.Connect($"{Server},abortConnect=false")).GetDatabase();

    private static PredictionCacheOptions SharedOnly(RedisEndpoint endpoint) =>
        new() { MaxEntries = 0, RedisEndpoint = endpoint, RedisTls = false, Timeout = TimeSpan.FromMilliseconds(500) };

    private static string NewKey() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    [SkippableFact]
    public async Task An_answer_round_trips_under_the_prefixed_key_and_an_absent_key_is_a_miss()
    {
        var cache = Own(new RedisPredictionCache(Server, tls: false, TimeSpan.FromHours(1), TimeSpan.FromSeconds(2)));
        var key = NewKey();
        var body = Encoding.UTF8.GetBytes("""{"model_name":"m","model_version":"1.0.0","predictions":[{"label":"a","index":0,"score":0.9}]}""");

        Assert.True(await cache.SetAsync(key, new CachedPrediction(body, "application/json"), default));
        var found = await cache.GetAsync(key, default);

        Assert.NotNull(found);
        Assert.Equal(body, found.Body.ToArray());
        Assert.Equal("application/json", found.ContentType);
        Assert.Null(await cache.GetAsync(NewKey(), default));
        var stored = (byte[])(await Raw().StringGetAsync(RedisPredictionCache.KeyPrefix + key))!;
        Assert.Equal("application/json\n" + Encoding.UTF8.GetString(body), Encoding.UTF8.GetString(stored));
    }

    [SkippableFact]
    public async Task Every_entry_is_written_with_the_TTL_and_is_gone_after_it()
    {
        var cache = Own(new RedisPredictionCache(Server, tls: false, TimeSpan.FromSeconds(600), TimeSpan.FromSeconds(2)));
        var shortLived = Own(new RedisPredictionCache(Server, tls: false, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2)));
        var (key, shortKey) = (NewKey(), NewKey());
        var value = new CachedPrediction("{}"u8.ToArray(), "application/json");

        await shortLived.SetAsync(shortKey, value, default);
        Assert.NotNull(await shortLived.GetAsync(shortKey, default));
        await cache.SetAsync(key, value, default);

        var ttl = await Raw().KeyTimeToLiveAsync(RedisPredictionCache.KeyPrefix + key);
        Assert.InRange(ttl!.Value.TotalSeconds, 590, 600);
        // The server drops the entry once its TTL is over (polled, so a slow machine cannot make this flaky).
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await shortLived.GetAsync(shortKey, default) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        Assert.Null(await shortLived.GetAsync(shortKey, default));
    }

    [SkippableFact]
    public async Task A_second_identical_request_to_a_fresh_service_instance_is_served_from_Redis()
    {
        var image = TestImages.TextLine("redis " + Guid.NewGuid().ToString("N")[..6], upsideDown: true);
        var request = Requests.Post(Predict, image, "image/png");
        // A generous budget: this checks sharing, not timeouts, and a loaded CI machine once took over 500 ms to connect and write.
        var options = SharedOnly(Server) with { Timeout = TimeSpan.FromSeconds(5) };
        using var first = await CachingService.CreateAsync(options);
        using var second = await CachingService.CreateAsync(options);

        var miss = await first.HandleAsync(request);
        var hit = await second.HandleAsync(request.Again("req-other-instance"));

        Assert.Equal((200, "miss"), (miss.StatusCode, miss.XCache()));
        var stored = Assert.Single(first.RequestLines());
        Assert.False(stored.TryGetProperty("cacheError", out var storeError), $"the first instance's write failed: {storeError}");
        Assert.Equal((200, "hit"), (hit.StatusCode, hit.XCache()));
        Assert.Equal("req-other-instance", hit.Json().GetProperty("id").GetString());
        Assert.Equal(Encoding.UTF8.GetString(miss.Body.Span).Replace(request.RequestId, "req-other-instance", StringComparison.Ordinal),
            Encoding.UTF8.GetString(hit.Body.Span));
        var line = Assert.Single(second.RequestLines());
        Assert.Equal(("hit", "shared"), (line.GetProperty("cache").GetString(), line.GetProperty("cacheSource").GetString()));
        Assert.False(line.TryGetProperty("InferenceLatency", out _)); // the model did not run
        Assert.False(line.TryGetProperty("cacheError", out _));
    }

    [SkippableFact]
    public async Task A_server_that_is_down_is_a_quick_miss_the_predictions_still_succeed_and_the_outage_is_logged_once()
    {
        _ = Server;
        var closedPort = ClosedPort();
        var options = SharedOnly(new RedisEndpoint("127.0.0.1", closedPort)) with { Timeout = TimeSpan.FromSeconds(2) };
        using var service = await CachingService.CreateAsync(options);
        var request = Requests.Post(Predict, TestImages.TextLine("down", upsideDown: false), "image/png");

        var watch = Stopwatch.StartNew();
        var responses = new[] { await service.HandleAsync(request), await service.HandleAsync(request.Again()) };
        watch.Stop();

        Assert.All(responses, r => Assert.Equal((200, "miss"), (r.StatusCode, r.XCache())));
        Assert.All(responses, r => Assert.True(r.Json().TryGetProperty("predictions", out _)));
        // Each lookup and store fails at once (no backlog), far below the 2 s limit that a waiting client would use up.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"two requests took {watch.Elapsed.TotalMilliseconds:0} ms");
        var lines = service.RequestLines();
        Assert.All(lines, l => Assert.Equal(1, l.GetProperty("CacheErrors").GetInt32()));
        Assert.All(lines, l => Assert.Equal("INFO", l.GetProperty("level").GetString()));
        Assert.All(lines, l => Assert.DoesNotContain("no answer within", l.GetProperty("cacheError").GetString(), StringComparison.Ordinal));
        var outage = Assert.Single(AllLines(service), l => l.GetProperty("message").GetString() == "prediction_cache_unavailable");
        Assert.Equal("WARN", outage.GetProperty("level").GetString());
        Assert.Contains("Redis", outage.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A loopback port that nothing listens on: taken from the OS, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static JsonElement[] AllLines(CachingService service) =>
    [
        .. service.Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement),
    ];
}
