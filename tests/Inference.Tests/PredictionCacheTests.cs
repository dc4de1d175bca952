using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Inference.Caching;
using Moq;

namespace Inference.Tests;

public sealed class PredictionCacheTests
{
    private const string Predict = "/v2/models/ppocr-cls/predict";
    private const string Infer = "/v2/models/ppocr-cls/infer";
    private static readonly PredictionCacheOptions MemoryOnly = new();
    private static readonly PredictionCacheOptions Off = new() { MaxEntries = 0 };
    private static readonly PredictionCacheOptions SharedOnly = new() { MaxEntries = 0, Table = "cache-table" };

    private static byte[] Image() => TestImages.TextLine("cached", upsideDown: true);

    [Fact]
    public async Task A_repeated_prediction_is_a_miss_then_a_hit_with_the_same_bytes_as_a_fresh_answer()
    {
        using var cached = await CachingService.CreateAsync(MemoryOnly);
        using var uncached = await CachingService.CreateAsync(Off);
        var first = Requests.Post(Predict, Image(), "image/png");

        var miss = await cached.HandleAsync(first);
        var hit = await cached.HandleAsync(first.Again("req-second"));
        var fresh = await uncached.HandleAsync(first.Again("req-second"));

        Assert.Equal(("miss", "hit"), (miss.XCache(), hit.XCache()));
        Assert.Null(fresh.XCache());
        Assert.Equal(200, hit.StatusCode);
        Assert.Equal(Encoding.UTF8.GetString(fresh.Body.Span), Encoding.UTF8.GetString(hit.Body.Span));
        Assert.Equal("req-second", hit.Json().GetProperty("id").GetString());
        Assert.Equal(first.RequestId, miss.Json().GetProperty("id").GetString());
        Assert.Equal("180", hit.Json().GetProperty("predictions")[0].GetProperty("label").GetString());
    }

    [Fact]
    public async Task An_infer_hit_echoes_the_new_requests_id_and_differs_from_a_fresh_answer_in_nothing_else()
    {
        using var cached = await CachingService.CreateAsync(MemoryOnly);
        using var uncached = await CachingService.CreateAsync(Off);
        var data = "0.25," + Requests.Zeros(3 * 48 * 192 - 1);
        var compact = Requests.PostJson(Infer, Requests.ClsInfer(dataJson: data));
        var reformatted = Requests.PostJson(Infer, Requests.ClsInfer(dataJson: data).Replace("\"id\":\"t1\"", "\"id\":\"other\" ").Replace(",", " , "));

        await cached.HandleAsync(compact);
        var hit = await cached.HandleAsync(reformatted);
        var fresh = await uncached.HandleAsync(reformatted);

        Assert.Equal("hit", hit.XCache());
        Assert.Equal("other", hit.Json().GetProperty("id").GetString());
        Assert.True(hit.Body.Span.SequenceEqual(fresh.Body.Span));
    }

    [Fact]
    public async Task Errors_are_never_cached()
    {
        using var service = await CachingService.CreateAsync(MemoryOnly);
        var broken = Requests.Post(Predict, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3], "image/png");

        var first = await service.HandleAsync(broken);
        var second = await service.HandleAsync(broken.Again());

        Assert.Equal((400, 400), (first.StatusCode, second.StatusCode));
        Assert.Null(first.XCache());
        Assert.Null(second.XCache());
        Assert.Equal(["miss", "miss"], service.RequestLines().Select(l => l.GetProperty("cache").GetString()));
    }

    [Fact]
    public async Task Hits_and_misses_are_EMF_metrics_and_a_hit_runs_no_model()
    {
        using var service = await CachingService.CreateAsync(MemoryOnly);
        var request = Requests.Post(Predict, Image(), "image/png");

        await service.HandleAsync(request);
        await service.HandleAsync(request.Again());

        var lines = service.RequestLines();
        Assert.Equal([(0, 1), (1, 0)], lines.Select(l => (l.GetProperty("CacheHits").GetInt32(), l.GetProperty("CacheMisses").GetInt32())));
        Assert.Equal("memory", lines[1].GetProperty("cacheSource").GetString());
        Assert.True(lines[0].TryGetProperty("InferenceLatency", out _));
        Assert.False(lines[1].TryGetProperty("InferenceLatency", out _));
        Assert.Equal([1, 1], lines.Select(l => l.GetProperty("Predictions").GetInt32()));
        var metricNames = lines[1].GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics").EnumerateArray()
            .Select(m => m.GetProperty("Name").GetString());
        Assert.Contains("CacheHits", metricNames);
        Assert.Contains("CacheMisses", metricNames);
    }

    [Fact]
    public async Task With_the_cache_off_there_is_no_header_and_no_cache_metric()
    {
        using var service = await CachingService.CreateAsync(Off);

        var response = await service.HandleAsync(Requests.Post(Predict, Image(), "image/png"));

        Assert.Null(response.XCache());
        Assert.False(Assert.Single(service.RequestLines()).TryGetProperty("CacheHits", out _));
    }

    [Fact]
    public async Task The_shared_cache_answers_after_an_LRU_miss_and_the_model_does_not_run()
    {
        using var source = await CachingService.CreateAsync(Off);
        var request = Requests.Post(Predict, Image(), "image/png");
        var fresh = await source.HandleAsync(request);
        var withoutId = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(fresh.Body.Span).Replace($",\"id\":\"{request.RequestId}\"", ""));
        var dynamo = new Mock<IAmazonDynamoDB>(MockBehavior.Strict);
        GetItemRequest? asked = null;
        dynamo.Setup(d => d.GetItemAsync(It.IsAny<GetItemRequest>(), It.IsAny<CancellationToken>()))
            .Callback<GetItemRequest, CancellationToken>((r, _) => asked = r)
            .ReturnsAsync(new GetItemResponse { Item = CacheItem(withoutId, DateTimeOffset.UtcNow.AddHours(1)) });
        using var service = await CachingService.CreateAsync(new PredictionCacheOptions { MaxEntries = 10, Table = "cache-table" }, dynamoDb: dynamo.Object);

        var hit = await service.HandleAsync(request);
        var again = await service.HandleAsync(request.Again());

        Assert.Equal(("hit", "hit"), (hit.XCache(), again.XCache()));
        Assert.True(hit.Body.Span.SequenceEqual(fresh.Body.Span));
        Assert.Equal("cache-table", asked!.TableName);
        Assert.Equal(PredictionKeys.ForPredict(service.Service.Models.Definitions.Single(), request.Body.Span), asked.Key["cacheKey"].S);
        Assert.Equal(["shared", "memory"], service.RequestLines().Select(l => l.GetProperty("cacheSource").GetString()));
        Assert.False(service.RequestLines()[0].TryGetProperty("InferenceLatency", out _));
        dynamo.Verify(d => d.GetItemAsync(It.Is<GetItemRequest>(r => r.Key["cacheKey"].S == asked.Key["cacheKey"].S), It.IsAny<CancellationToken>()),
            Times.Once); // the LRU took it from there
    }

    [Fact]
    public async Task Init_reads_the_shared_cache_once_and_a_failure_there_is_a_warning_not_an_init_failure()
    {
        var dynamo = new Mock<IAmazonDynamoDB>(MockBehavior.Strict);
        var keys = new List<string>();
        dynamo.Setup(d => d.GetItemAsync(It.IsAny<GetItemRequest>(), It.IsAny<CancellationToken>()))
            .Callback<GetItemRequest, CancellationToken>((r, _) => keys.Add(r.Key["cacheKey"].S))
            .ThrowsAsync(new ResourceNotFoundException("Cannot do operations on a non-existent table"));

        using var service = await CachingService.CreateAsync(SharedOnly, dynamoDb: dynamo.Object);

        Assert.Equal([PredictionCache.WarmUpKey], keys);
        var warning = service.Log.ToString().Split('\n').Single(l => l.Contains("prediction_cache_warm_up_failed", StringComparison.Ordinal));
        Assert.Contains("\"level\":\"WARN\"", warning, StringComparison.Ordinal);
        Assert.Contains("non-existent table", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_shared_item_still_returned_by_DynamoDB_is_a_miss()
    {
        var dynamo = new Mock<IAmazonDynamoDB>();
        dynamo.Setup(d => d.GetItemAsync(It.IsAny<GetItemRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GetItemResponse { Item = CacheItem("{\"stale\":true}"u8.ToArray(), DateTimeOffset.UtcNow.AddSeconds(-5)) });
        dynamo.Setup(d => d.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(new PutItemResponse());
        using var service = await CachingService.CreateAsync(SharedOnly, dynamoDb: dynamo.Object);

        var response = await service.HandleAsync(Requests.Post(Predict, Image(), "image/png"));

        Assert.Equal("miss", response.XCache());
        Assert.True(response.Json().TryGetProperty("predictions", out _));
    }

    [Fact]
    public async Task A_failing_shared_cache_never_fails_the_request_and_is_counted()
    {
        var dynamo = new Mock<IAmazonDynamoDB>();
        dynamo.Setup(d => d.GetItemAsync(It.IsAny<GetItemRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonDynamoDBException("Rate exceeded"));
        dynamo.Setup(d => d.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ResourceNotFoundException("Requested resource not found"));
        using var service = await CachingService.CreateAsync(SharedOnly, dynamoDb: dynamo.Object);

        var request = Requests.Post(Predict, Image(), "image/png");

        var responses = new[] { await service.HandleAsync(request), await service.HandleAsync(request.Again()) };

        Assert.All(responses, r => Assert.Equal((200, "miss"), (r.StatusCode, r.XCache())));
        var lines = service.RequestLines();
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.Equal(("INFO", 1), (line.GetProperty("level").GetString(), line.GetProperty("CacheErrors").GetInt32())));
        Assert.All(lines, line => Assert.Contains("Rate exceeded", line.GetProperty("cacheError").GetString(), StringComparison.Ordinal));
        // The outage is a WARN line once, not one per request (the second request's store fails too, with another error).
        var outage = Assert.Single(service.Log.ToString().Split('\n'), l => l.Contains("prediction_cache_unavailable", StringComparison.Ordinal));
        Assert.Contains("\"level\":\"WARN\"", outage, StringComparison.Ordinal);
        Assert.Contains("Rate exceeded", outage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_shared_cache_answering_again_ends_the_outage_with_one_line_counting_the_failed_calls()
    {
        var dynamo = new Mock<IAmazonDynamoDB>();
        var failing = true;
        dynamo.Setup(d => d.GetItemAsync(It.IsAny<GetItemRequest>(), It.IsAny<CancellationToken>()))
            .Returns(() => failing ? throw new AmazonDynamoDBException("Service unavailable") : Task.FromResult(new GetItemResponse()));
        dynamo.Setup(d => d.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>()))
            .Returns(() => failing ? throw new AmazonDynamoDBException("Service unavailable") : Task.FromResult(new PutItemResponse()));
        using var service = await CachingService.CreateAsync(SharedOnly, dynamoDb: dynamo.Object);
        var request = Requests.Post(Predict, Image(), "image/png");

        await service.HandleAsync(request);
        failing = false;
        await service.HandleAsync(request.Again());
        await service.HandleAsync(request.Again());

        var messages = service.Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["model_loaded", "prediction_cache_warm_up_failed", "prediction_cache_unavailable", "request", "prediction_cache_recovered", "request", "request"],
            messages.Select(m => m.GetProperty("message").GetString()));
        Assert.Equal(2, messages[4].GetProperty("failedCalls").GetInt64()); // the first request's lookup and store
        Assert.Equal([true, false, false], service.RequestLines().Select(l => l.TryGetProperty("cacheError", out _)));
    }

    [Fact]
    public async Task A_shared_cache_that_does_not_answer_in_time_is_skipped()
    {
        var dynamo = new Mock<IAmazonDynamoDB>();
        dynamo.Setup(d => d.GetItemAsync(It.IsAny<GetItemRequest>(), It.IsAny<CancellationToken>()))
            .Returns<GetItemRequest, CancellationToken>(async (_, token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return new GetItemResponse();
            });
        dynamo.Setup(d => d.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(new PutItemResponse());
        using var service = await CachingService.CreateAsync(SharedOnly with { Timeout = TimeSpan.FromMilliseconds(50) }, dynamoDb: dynamo.Object);

        var response = await service.HandleAsync(Requests.Post(Predict, Image(), "image/png"));

        Assert.Equal(200, response.StatusCode);
        Assert.Contains("no answer within 50 ms", Assert.Single(service.RequestLines()).GetProperty("cacheError").GetString());
    }

    [Fact]
    public async Task A_miss_stores_the_answer_in_the_shared_table_with_the_documented_attributes()
    {
        var dynamo = new Mock<IAmazonDynamoDB>();
        dynamo.Setup(d => d.GetItemAsync(It.IsAny<GetItemRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(new GetItemResponse());
        PutItemRequest? put = null;
        dynamo.Setup(d => d.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>()))
            .Callback<PutItemRequest, CancellationToken>((r, _) => put = r)
            .ReturnsAsync(new PutItemResponse());
        using var service = await CachingService.CreateAsync(SharedOnly with { Ttl = TimeSpan.FromHours(2) }, dynamoDb: dynamo.Object);
        var request = Requests.Post(Predict, Image(), "image/png");

        var response = await service.HandleAsync(request);

        Assert.Equal("cache-table", put!.TableName);
        Assert.Equal(["body", "cacheKey", "contentType", "expiresAt"], put.Item.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(PredictionKeys.ForPredict(service.Service.Models.Definitions.Single(), request.Body.Span), put.Item["cacheKey"].S);
        Assert.Equal("application/json", put.Item["contentType"].S);
        var stored = Encoding.UTF8.GetString(put.Item["body"].B.ToArray());
        Assert.Equal(Encoding.UTF8.GetString(response.Body.Span), stored.TrimEnd('}') + $",\"id\":\"{request.RequestId}\"}}");
        var expiresAt = long.Parse(put.Item["expiresAt"].N, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 7200 - 30, 7200 + 1);
        Assert.All(put.Item.Values.Where(v => v != put.Item["body"] && v != put.Item["expiresAt"]), v => Assert.NotNull(v.S));
    }

    [Fact]
    public async Task Items_over_the_DynamoDB_item_limit_are_skipped_not_failed()
    {
        var dynamo = new Mock<IAmazonDynamoDB>(MockBehavior.Strict);
        var cache = new DynamoDbPredictionCache(dynamo.Object, "t", TimeSpan.FromHours(1), TimeProvider.System);

        var stored = await cache.SetAsync(new string('a', 64), new CachedPrediction(new byte[DynamoDbItemSize.MaxItemBytes], "application/json"), default);

        Assert.False(stored);
        dynamo.VerifyNoOtherCalls();
    }

    [Fact]
    public void The_item_size_counts_names_and_values_as_DynamoDB_does()
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["cacheKey"] = new() { S = "abc" },
            ["body"] = new() { B = new MemoryStream(new byte[100]) },
            ["expiresAt"] = new() { N = "1795808400" },
        };

        Assert.Equal(8 + 3 + 4 + 100 + 9 + 21, DynamoDbItemSize.Of(item));
    }

    private static Dictionary<string, AttributeValue> CacheItem(byte[] body, DateTimeOffset expiresAt) => new()
    {
        ["cacheKey"] = new() { S = "ignored" },
        ["body"] = new() { B = new MemoryStream(body) },
        ["contentType"] = new() { S = "application/json" },
        ["expiresAt"] = new() { N = expiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };
}
