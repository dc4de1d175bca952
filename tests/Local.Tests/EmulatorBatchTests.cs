using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Infra.Components;
using Infra.Core;
using Infra.Local.Batch;
using Infra.Local.Emulators;
using TestModels;

namespace Local.Tests;

/// <summary>
/// --emulators. The predictions log: DynamoDB Local (reused from DYNAMODB_LOCAL_ENDPOINT, which .ci/run sets, or else
/// started here from the pinned npm package with the machine's Java), the component's predictions table created there
/// from the program's key schema, and the real function process writing to it through AWS_ENDPOINT_URL_DYNAMODB.
/// The buckets: fauxqs (reused from FAUXQS_ENDPOINT, or else started here on Node 24 from npm), the function reading
/// inputs and writing records through AWS_ENDPOINT_URL_S3.
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
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("fn", "/nonexistent"), Timeout = TimeSpan.FromSeconds(30) },
            ModelName = "ppocr-cls", ModelVersion = "2.0.0", InputSuffix = ".png", BatchingWindow = TimeSpan.FromSeconds(1), MaxReceiveCount = 2,
            Notifications = new AlarmNotifications(stack, "alerts"),
        });
        await using var dynamoDb = await LocalEmulators.DynamoDbLocalAsync(TestStacks.EmulatorTools, LocalPorts.For("DYNAMODB_LOCAL_ENDPOINT"), CancellationToken.None);
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

    [Fact]
    public async Task With_fauxqs_uploads_to_the_input_bucket_go_through_the_same_pipeline_and_poison_ones_come_out_to_the_dead_letter_folder()
    {
        await using var fauxqs = await LocalEmulators.FauxqsAsync(TestStacks.EmulatorTools, LocalPorts.For("FAUXQS_ENDPOINT"), CancellationToken.None);
        using var s3 = FauxqsClient(fauxqs.HttpEndpoint);
        var (input, results) = await NewBucketsAsync(s3);
        var uploads = new Dictionary<string, byte[]>
        {
            ["incoming/upright.png"] = TextLines.Png("Quick brown fox", upsideDown: false),
            ["incoming/turned.png"] = TextLines.Png("Quick brown fox", upsideDown: true),
            ["incoming/corrupt.png"] = [0x89, 0x50, 0x4E, 0x47, 9, 9, 9],
            ["elsewhere/ignored.png"] = TextLines.Png("Not for the queue", upsideDown: false),
        };
        foreach (var (key, content) in uploads)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = input, Key = key, InputStream = new MemoryStream(content) });
        }

        var deadLetters = new DeadLetterFolder(Path.Combine(_root.Path, "dead-letter"));
        var settings = new BatchPipelineSettings
        {
            ModelName = "ppocr-cls", ModelVersion = "2.0.0", InputPrefix = "incoming/", BatchSize = 10, BatchingWindow = TimeSpan.FromSeconds(1), MaxReceiveCount = 2,
            StableFor = TimeSpan.FromMilliseconds(300), PollInterval = TimeSpan.FromMilliseconds(100),
        };
        var bindings = new Dictionary<string, string>(EmulatorBindings.For(dynamoDbEndpoint: null, fauxqs.HttpEndpoint, redisHostAndPort: null))
        {
            ["RESULTS_BUCKET"] = results,
            ["PREDICTIONS_LOG_FILE"] = Path.Combine(_root.Path, "predictions.jsonl"),
        };
        async Task<string[]> Keys(string bucket) =>
            [.. ((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal)];

        await RealFunctionBatch.RunAsync(new S3BatchObjects(s3, input, results, deadLetters), settings, bindings,
            // Done when the poison object has also left the bucket: it is deleted after its dead letter is written.
            () => Keys(results).GetAwaiter().GetResult().Length == 2 && PipelineRun.Files(deadLetters.Path).Length == 2
                && !Keys(input).GetAwaiter().GetResult().Contains("incoming/corrupt.png"));

        Assert.Equal(["results/ppocr-cls/2.0.0/incoming/turned.png.json", "results/ppocr-cls/2.0.0/incoming/upright.png.json"], await Keys(results));
        using (var turned = await s3.GetObjectAsync(results, "results/ppocr-cls/2.0.0/incoming/turned.png.json"))
        {
            var record = (await System.Text.Json.JsonDocument.ParseAsync(turned.ResponseStream)).RootElement;
            Assert.Equal("180", record.GetProperty("response").GetProperty("predictions")[0].GetProperty("label").GetString());
            Assert.Equal(input, record.GetProperty("input").GetProperty("bucket").GetString());
        }

        Assert.Equal(["incoming/corrupt.png", "incoming/corrupt.png.reason.json"], PipelineRun.Files(deadLetters.Path));
        Assert.Equal(uploads["incoming/corrupt.png"], await File.ReadAllBytesAsync(Path.Combine(deadLetters.Path, "incoming", "corrupt.png")));
        Assert.Equal(["elsewhere/ignored.png", "incoming/turned.png", "incoming/upright.png"], await Keys(input));
        Assert.Equal(3, File.ReadAllLines(bindings["PREDICTIONS_LOG_FILE"]).Length);
    }

    [Fact]
    public async Task With_fauxqs_an_uploaded_key_with_dot_dot_segments_is_refused_into_the_dead_letter_folder_and_nothing_is_written_outside_it()
    {
        await using var fauxqs = await LocalEmulators.FauxqsAsync(TestStacks.EmulatorTools, LocalPorts.For("FAUXQS_ENDPOINT"), CancellationToken.None);
        using var s3 = FauxqsClient(fauxqs.HttpEndpoint);
        var (input, results) = await NewBucketsAsync(s3);
        // Joined onto <root>/a/b/dead-letter, the key names <root>/a/escaped.txt: two levels above the dead-letter folder.
        const string key = "incoming/../../../escaped.txt";
        byte[] content = [1, 2, 3];
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = input, Key = key, InputStream = new MemoryStream(content) });
        var deadLetters = new DeadLetterFolder(Path.Combine(_root.Path, "a", "b", "dead-letter"));
        var settings = new BatchPipelineSettings
        {
            ModelName = "ppocr-cls", ModelVersion = "2.0.0", InputPrefix = "incoming/", BatchingWindow = TimeSpan.FromMilliseconds(100), MaxReceiveCount = 1,
            StableFor = TimeSpan.FromMilliseconds(300), PollInterval = TimeSpan.FromMilliseconds(100),
        };
        var bindings = new Dictionary<string, string>(EmulatorBindings.For(dynamoDbEndpoint: null, fauxqs.HttpEndpoint, redisHostAndPort: null))
        {
            ["RESULTS_BUCKET"] = results,
            ["PREDICTIONS_LOG_FILE"] = Path.Combine(_root.Path, "predictions.jsonl"),
        };
        async Task<bool> Uploaded() => ((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = input })).S3Objects ?? []).Any(o => o.Key == key);
        Assert.True(await Uploaded());

        await RealFunctionBatch.RunAsync(new S3BatchObjects(s3, input, results, deadLetters), settings, bindings, () => !Uploaded().GetAwaiter().GetResult());

        Assert.False(File.Exists(Path.Combine(_root.Path, "a", "escaped.txt")));
        Assert.False(File.Exists(Path.Combine(_root.Path, "a", "escaped.txt" + DeadLetterFolder.ReasonSuffix)));
        var kept = PipelineRun.Files(deadLetters.Path);
        Assert.Equal(2, kept.Length);
        Assert.All(kept, f => Assert.StartsWith("refused-keys/", f, StringComparison.Ordinal));
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(deadLetters.Path, kept[0])));
        var reason = System.Text.Json.JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(deadLetters.Path, kept[1]))).RootElement;
        Assert.Equal((key, "refused", 0), (reason.GetProperty("input").GetProperty("key").GetString(), reason.GetProperty("error").GetProperty("kind").GetString(), reason.GetProperty("deliveries").GetInt32()));
        // Refused before any delivery: the function never saw it.
        Assert.False(File.Exists(bindings["PREDICTIONS_LOG_FILE"]));
    }

    private static AmazonS3Client FauxqsClient(string endpoint) => new(new BasicAWSCredentials("local", "local"),
        new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    /// <summary>An input and a results bucket of their own, so that tests sharing one fauxqs never see each other's objects.</summary>
    private static async Task<(string Input, string Results)> NewBucketsAsync(IAmazonS3 s3)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (input, results) = ($"input-{suffix}", $"output-{suffix}");
        await new LocalBuckets(s3).CreateAsync(input, CancellationToken.None);
        await new LocalBuckets(s3).CreateAsync(results, CancellationToken.None);
        return (input, results);
    }
}
