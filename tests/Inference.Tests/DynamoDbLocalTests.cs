using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Inference.Caching;

namespace Inference.Tests;

/// <summary>
/// The shared cache and the predictions log against a real DynamoDB (DynamoDB Local), so the SDK calls, the item
/// shapes and the size estimate are checked by the real store. tests/Inference.Tests/dynamodb-local.sh starts it
/// and sets DYNAMODB_LOCAL_ENDPOINT; without that variable these tests are reported as skipped.
/// </summary>
public sealed class DynamoDbLocalTests : IDisposable
{
    private static readonly string? Endpoint = Environment.GetEnvironmentVariable("DYNAMODB_LOCAL_ENDPOINT");
    private readonly AmazonDynamoDBClient? _client;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    public DynamoDbLocalTests()
    {
        if (Endpoint is not null)
        {
            _client = new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"),
                new AmazonDynamoDBConfig { ServiceURL = Endpoint, AuthenticationRegion = "us-east-1" });
        }
    }

    public void Dispose() => _client?.Dispose();

    private AmazonDynamoDBClient Client
    {
        get
        {
            // .ci/run sets CI=true and starts DynamoDB Local: there a missing endpoint is a failure, not a skip.
            Assert.False(_client is null && Environment.GetEnvironmentVariable("CI") == "true", "CI=true but DYNAMODB_LOCAL_ENDPOINT is not set");
            Skip.If(_client is null, "DYNAMODB_LOCAL_ENDPOINT is not set; run tests/Inference.Tests/dynamodb-local.sh");
            return _client!;
        }
    }

    private async Task<string> CreateTableAsync(string name, params (string Name, KeyType Type)[] keys)
    {
        var table = $"{name}-{_suffix}";
        await Client.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            KeySchema = [.. keys.Select(k => new KeySchemaElement(k.Name, k.Type))],
            AttributeDefinitions = [.. keys.Select(k => new AttributeDefinition(k.Name, ScalarAttributeType.S))],
        });
        return table;
    }

    [SkippableFact]
    public async Task The_shared_cache_round_trips_and_treats_absent_and_expired_items_as_misses()
    {
        var table = await CreateTableAsync("cache", ("cacheKey", KeyType.HASH));
        var cache = new DynamoDbPredictionCache(Client, table, TimeSpan.FromHours(1), TimeProvider.System);
        var expired = new DynamoDbPredictionCache(Client, table, TimeSpan.FromSeconds(-5), TimeProvider.System);
        var body = Encoding.UTF8.GetBytes("""{"model_name":"m","model_version":"1.0.0","predictions":[{"label":"a","index":0,"score":0.9}]}""");

        Assert.True(await cache.SetAsync("k1", new CachedPrediction(body, "application/json"), default));
        Assert.True(await expired.SetAsync("k2", new CachedPrediction(body, "application/json"), default));

        var found = await cache.GetAsync("k1", default);
        Assert.NotNull(found);
        Assert.Equal(body, found.Body.ToArray());
        Assert.Equal("application/json", found.ContentType);
        Assert.Null(await cache.GetAsync("absent", default));
        Assert.Null(await cache.GetAsync("k2", default));
    }

    [SkippableFact]
    public async Task The_size_estimate_never_lets_an_item_DynamoDB_refuses_through()
    {
        var table = await CreateTableAsync("cache", ("cacheKey", KeyType.HASH));
        var cache = new DynamoDbPredictionCache(Client, table, TimeSpan.FromHours(1), TimeProvider.System);
        var key = new string('k', 64);
        var fixedBytes = DynamoDbItemSize.Of(new Dictionary<string, AttributeValue>
        {
            ["cacheKey"] = new() { S = key }, ["body"] = new() { B = new MemoryStream() },
            ["contentType"] = new() { S = "application/json" }, ["expiresAt"] = new() { N = "1" },
        });
        var largestAccepted = (int)(DynamoDbItemSize.MaxItemBytes - fixedBytes);

        Assert.True(await cache.SetAsync(key, new CachedPrediction(new byte[largestAccepted], "application/json"), default));
        Assert.False(await cache.SetAsync(key, new CachedPrediction(new byte[largestAccepted + 1], "application/json"), default));
        Assert.Equal(largestAccepted, (await cache.GetAsync(key, default))!.Body.Length);
    }

    [SkippableFact]
    public async Task A_logged_prediction_is_stored_under_its_input_key_and_model_version()
    {
        var table = await CreateTableAsync("predictions", ("inputKey", KeyType.HASH), ("modelVersion", KeyType.RANGE));
        using var service = await CachingService.CreateAsync(new PredictionCacheOptions { MaxEntries = 0 },
            // The write's 500 ms budget is for Lambda; DynamoDB Local on a loaded CI machine can take longer, and this test is about the item.
            new Predictions.PredictionLogOptions { Table = table, SampleRate = 1, Timeout = TimeSpan.FromSeconds(30) }, Client);
        var image = TestImages.TextLine("stored", upsideDown: true);

        await service.HandleAsync(Requests.Post("/v2/models/ppocr-cls/predict", image, "image/png"));
        Assert.True(Assert.Single(service.RequestLines()).GetProperty("predictionLogged").GetBoolean());

        var stored = await Client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new()
            {
                ["inputKey"] = new() { S = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(image)) },
                ["modelVersion"] = new() { S = "ppocr-cls@2.0.0" },
            },
        });
        Assert.Equal("200", stored.Item["status"].N);
        Assert.Equal("180", stored.Item["predictions"].L[0].M["label"].S);
    }
}
