using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Inference.Caching;
using Inference.Predictions;

namespace Inference.Tests.Feedback;

/// <summary>
/// Feedback against DynamoDB Local, on a table with the predictions log's keys and the components' by-request-id index.
/// .ci/run starts DynamoDB Local and sets DYNAMODB_LOCAL_ENDPOINT; without it this test is reported as skipped.
/// </summary>
public sealed class DynamoDbFeedbackTests : IDisposable
{
    private static readonly string? Endpoint = Environment.GetEnvironmentVariable("DYNAMODB_LOCAL_ENDPOINT");
    private readonly AmazonDynamoDBClient? _client = Endpoint is null ? null
        : new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), new AmazonDynamoDBConfig { ServiceURL = Endpoint, AuthenticationRegion = "us-east-1" });

    public void Dispose() => _client?.Dispose();

    [SkippableFact]
    public async Task Feedback_finds_the_logged_prediction_by_request_id_and_adds_the_ground_truth_to_its_item()
    {
        Assert.False(_client is null && Environment.GetEnvironmentVariable("CI") == "true", "CI=true but DYNAMODB_LOCAL_ENDPOINT is not set");
        Skip.If(_client is null, "DYNAMODB_LOCAL_ENDPOINT is not set; run tests/Inference.Tests/dynamodb-local.sh");
        var table = $"predictions-{Guid.NewGuid():N}"[..24];
        await _client!.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            KeySchema = [new KeySchemaElement("inputKey", KeyType.HASH), new KeySchemaElement("modelVersion", KeyType.RANGE)],
            AttributeDefinitions = [new("inputKey", ScalarAttributeType.S), new("modelVersion", ScalarAttributeType.S), new("requestId", ScalarAttributeType.S)],
            GlobalSecondaryIndexes =
            [
                new GlobalSecondaryIndex
                {
                    IndexName = Inference.Feedback.FeedbackStores.RequestIdIndex,
                    KeySchema = [new KeySchemaElement("requestId", KeyType.HASH)],
                    Projection = new Projection { ProjectionType = ProjectionType.ALL },
                },
            ],
        });
        using var service = new CachingService(new PredictionCacheOptions { MaxEntries = 0 }, new PredictionLogOptions { Table = table, SampleRate = 1 }, _client);
        var predicted = await service.HandleAsync(Requests.Post("/v2/models/ppocr-cls/predict", TestImages.TextLine("truth", upsideDown: true), "image/png"));
        var id = predicted.Json().GetProperty("id").GetString()!;
        var label = predicted.Json().GetProperty("predictions")[0].GetProperty("label").GetString()!;

        var answer = await service.HandleAsync(Requests.PostJson("/v2/models/ppocr-cls/feedback", $"{{\"requestId\":\"{id}\",\"label\":\"{label}\"}}"));
        var unknown = await service.HandleAsync(Requests.PostJson("/v2/models/ppocr-cls/feedback", "{\"requestId\":\"nobody\",\"label\":\"0\"}"));

        Assert.Equal(200, answer.StatusCode);
        Assert.True(answer.Json().GetProperty("correct").GetBoolean());
        Assert.Equal(404, unknown.StatusCode);
        var items = (await _client.ScanAsync(new ScanRequest { TableName = table })).Items;
        var item = Assert.Single(items);
        Assert.Equal(label, item["groundTruth"].S);
        Assert.Equal("1", item["correct"].N);
        Assert.Equal(id, item["requestId"].S);
        Assert.Equal("ppocr-cls@2.0.0", item["modelVersion"].S);
    }
}
