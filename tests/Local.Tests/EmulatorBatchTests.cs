using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Infra.Components;
using Infra.Core;
using Infra.Local.Batch;
using Infra.Local.Emulators;

namespace Local.Tests;

/// <summary>
/// --emulators for the predictions log: DynamoDB Local (reused from DYNAMODB_LOCAL_ENDPOINT, which .ci/run sets, or else
/// started here from the pinned npm package with the machine's Java), the component's predictions table created there
/// from the program's key schema, and the real function process writing to it through AWS_ENDPOINT_URL_DYNAMODB.
/// </summary>
public sealed class EmulatorBatchTests : IDisposable
{
    private readonly TempFolder _root = new("batch-emulators-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task With_DynamoDB_Local_every_batch_input_is_logged_in_the_components_predictions_table()
    {
        var stack = new Stack("proj", "dev");
        var batch = new BatchInference(stack, "batch", new BatchInferenceArgs
        {
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("fn", "/nonexistent"), TimeoutSeconds = 30 },
            ModelName = "ppocr-cls", ModelVersion = "2.0.0", InputSuffix = ".png", BatchingWindowSeconds = 1, MaxReceiveCount = 2,
            Notifications = new AlarmNotifications(stack, "alerts"),
        });
        await using var dynamoDb = await LocalEmulators.DynamoDbLocalAsync(Repository.EmulatorTools, DynamoDbPort(), CancellationToken.None);
        using var client = new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"),
            new AmazonDynamoDBConfig { ServiceURL = dynamoDb.HttpEndpoint, AuthenticationRegion = "us-east-1" });
        var table = $"batch-predictions-{Guid.NewGuid():N}"[..32];
        await new LocalTables(client).CreateAsync(batch.PredictionsLog, table, CancellationToken.None);
        var folders = new FolderBatchObjects(_root.Path);
        var settings = BatchPipelineSettings.From(batch.Settings) with { StableFor = TimeSpan.FromMilliseconds(300), PollInterval = TimeSpan.FromMilliseconds(100) };
        RealFunctionBatch.Drop(folders, new Dictionary<string, byte[]>
        {
            ["incoming/upright.png"] = TextLines.Png("Quick brown fox", upsideDown: false),
            ["incoming/turned.png"] = TextLines.Png("Quick brown fox", upsideDown: true),
            ["incoming/corrupt.png"] = [0x89, 0x50, 0x4E, 0x47, 9, 9, 9],
        });
        var bindings = new Dictionary<string, string>(folders.FunctionVariables(predictionsTable: table));
        foreach (var (name, value) in EmulatorBindings.For(dynamoDb.HttpEndpoint, s3Endpoint: null, redisHostAndPort: null))
        {
            bindings[name] = value;
        }

        await RealFunctionBatch.RunAsync(folders, settings, bindings, expectedFiles: 4);

        var items = (await client.ScanAsync(new ScanRequest { TableName = table })).Items;
        Assert.Equal(["s3://input/incoming/corrupt.png", "s3://input/incoming/turned.png", "s3://input/incoming/upright.png"], items.Select(i => i["inputKey"].S).Order(StringComparer.Ordinal));
        Assert.All(items, i => Assert.Equal("ppocr-cls@2.0.0", i["modelVersion"].S));
        Assert.Equal(["200", "200", "400"], items.Select(i => i["status"].N).Order(StringComparer.Ordinal));
        Assert.Equal("180", items.Single(i => i["inputKey"].S.EndsWith("turned.png", StringComparison.Ordinal))["predictions"].L[0].M["label"].S);
        Assert.False(File.Exists(folders.PredictionsLogFile));
    }

    /// <summary>The port of the DynamoDB Local that .ci/run started, or a free one to start it on.</summary>
    private static int DynamoDbPort()
    {
        if (Environment.GetEnvironmentVariable("DYNAMODB_LOCAL_ENDPOINT") is { Length: > 0 } endpoint)
        {
            return new Uri(endpoint).Port;
        }

        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
