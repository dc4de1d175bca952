using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace TestModels;

/// <summary>
/// DynamoDB Local (DYNAMODB_LOCAL_ENDPOINT, which .ci/run sets) and a fresh predictions-log table on it, shaped as the
/// components create it: hash key inputKey, range key modelVersion, and the by-request-id index feedback queries.
/// </summary>
internal static class PredictionsLogTables
{
    public static string? Endpoint { get; } = Environment.GetEnvironmentVariable("DYNAMODB_LOCAL_ENDPOINT");

    /// <returns>A client for DynamoDB Local, or null without the endpoint (and never null in CI, where that is a failure).</returns>
    public static AmazonDynamoDBClient? Client()
    {
        if (Endpoint is null && Environment.GetEnvironmentVariable("CI") == "true")
        {
            throw new InvalidOperationException("CI=true but DYNAMODB_LOCAL_ENDPOINT is not set");
        }

        return Endpoint is null ? null
            : new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), new AmazonDynamoDBConfig { ServiceURL = Endpoint, AuthenticationRegion = "us-east-1" });
    }

    public static async Task<string> CreateAsync(IAmazonDynamoDB client)
    {
        var table = $"predictions-{Guid.NewGuid():N}"[..24];
        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            KeySchema = [new KeySchemaElement("inputKey", KeyType.HASH), new KeySchemaElement("modelVersion", KeyType.RANGE)],
            AttributeDefinitions = [new("inputKey", ScalarAttributeType.S), new("modelVersion", ScalarAttributeType.S), new("requestId", ScalarAttributeType.S)],
            GlobalSecondaryIndexes =
            [
                new GlobalSecondaryIndex
                {
                    IndexName = "by-request-id",
                    KeySchema = [new KeySchemaElement("requestId", KeyType.HASH)],
                    Projection = new Projection { ProjectionType = ProjectionType.ALL },
                },
            ],
        });
        return table;
    }

    public static async Task<List<Dictionary<string, AttributeValue>>> ItemsAsync(IAmazonDynamoDB client, string table) =>
        (await client.ScanAsync(new ScanRequest { TableName = table, ConsistentRead = true })).Items;
}
