using System.Net.Sockets;
using System.Text;
using Amazon.DynamoDBv2;
using Infra.Components;
using Infra.Core;
using Infra.Local.Batch;
using Infra.Local.Emulators;

namespace Local.Tests;

/// <summary>Starting, reusing and stopping the stand-ins, and a batch component's local resources and bindings.</summary>
public sealed class EmulatorSetTests : IDisposable
{
    private readonly TempFolder _root = new("emulator-set-");

    public void Dispose() => _root.Dispose();

    [SkippableFact]
    public async Task A_stand_in_already_on_its_port_is_reused_and_left_running_and_one_that_serve_started_is_stopped()
    {
        Skip.If(!LocalEmulators.CanRunRedis && Environment.GetEnvironmentVariable("CI") != "true", "redis-server is not installed: apt-get install -y redis-server");
        var port = LocalPorts.Free();

        await using (var started = await LocalEmulators.RedisAsync(Path.Combine(_root.Path, "redis"), port, CancellationToken.None))
        {
            await using (var reused = await LocalEmulators.RedisAsync(Path.Combine(_root.Path, "redis"), port, CancellationToken.None))
            {
                Assert.False(started.Reused);
                Assert.True(reused.Reused);
            }

            Assert.Equal("+PONG", await PingAsync(port));
        }

        Assert.False(await EmulatorProcess.IsListeningAsync(port, CancellationToken.None));
    }

    [Fact]
    public async Task A_stand_in_that_exits_at_start_is_reported_with_its_output()
    {
        var error = await Assert.ThrowsAsync<EmulatorException>(() => EmulatorProcess.StartOrReuseAsync("broken", LocalPorts.Free(),
            () => new System.Diagnostics.ProcessStartInfo("sh") { ArgumentList = { "-c", "echo cannot bind >&2; exit 3" } }, TimeSpan.FromSeconds(10), CancellationToken.None));

        Assert.Contains("broken exited with code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot bind", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_stand_in_serve_starts_listens_on_the_loopback_address_only()
    {
        // Fresh ports, so that each stand-in is started here (one reused from elsewhere keeps its own binding).
        var ports = new EmulatorPorts(LocalPorts.Free(), LocalPorts.Free(), LocalPorts.Free());
        await using var emulators = await EmulatorSet.StartAsync(TestStacks.EmulatorTools, ports, TextWriter.Null, CancellationToken.None);

        foreach (var emulator in new[] { emulators.DynamoDb, emulators.Fauxqs, emulators.Redis }.OfType<EmulatorProcess>())
        {
            Assert.False(emulator.Reused, emulator.Name);
            var addresses = ListeningSockets.AddressesFor(emulator.Port);
            Assert.NotEmpty(addresses);
            Assert.All(addresses, a => Assert.True(ListeningSockets.IsLoopback(a), $"{emulator.Name} listens on {a}:{emulator.Port}"));
        }
    }

    [Fact]
    public void The_endpoint_bindings_point_the_SDK_at_the_stand_ins_and_a_Redis_cache_at_redis_server_without_TLS()
    {
        var bindings = EmulatorBindings.For("http://127.0.0.1:8000", "http://127.0.0.1:4566", "127.0.0.1:6379");
        var withoutRedis = EmulatorBindings.For("http://127.0.0.1:8000", "http://127.0.0.1:4566", null);

        Assert.Equal(("http://127.0.0.1:8000", "http://127.0.0.1:4566"), (bindings["AWS_ENDPOINT_URL_DYNAMODB"], bindings["AWS_ENDPOINT_URL_S3"]));
        Assert.Equal(("127.0.0.1:6379", "false"), (bindings["PREDICTION_CACHE_REDIS_ENDPOINT"], bindings["PREDICTION_CACHE_REDIS_TLS"]));
        Assert.Equal("5000", bindings["PREDICTIONS_TIMEOUT_MS"]);
        Assert.False(withoutRedis.ContainsKey("PREDICTION_CACHE_REDIS_ENDPOINT"));
        Assert.Equal("local", withoutRedis["AWS_ACCESS_KEY_ID"]);
    }

    [Fact]
    public void On_folders_a_batch_component_gets_its_drop_folder_and_the_function_its_folder_store_and_file_log()
    {
        var batch = Component();

        var local = LocalBatch.OnFolders(batch, _root.Path);

        var root = Path.Combine(_root.Path, "batch");
        Assert.True(Directory.Exists(Path.Combine(root, "input", "scans")));
        Assert.Equal(root, local.FunctionVariables["LOCAL_OBJECT_ROOT"]);
        Assert.Equal("output", local.FunctionVariables["RESULTS_BUCKET"]);
        Assert.Equal(Path.Combine(root, "predictions.jsonl"), local.FunctionVariables["PREDICTIONS_LOG_FILE"]);
        Assert.Equal(("scans/", ".png", 4), (local.Settings.InputPrefix, local.Settings.InputSuffix, local.Settings.MaxReceiveCount));
        Assert.Contains(Path.Combine(root, "input", "scans/"), local.Describe, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_emulators_a_batch_component_gets_its_buckets_and_table_and_the_function_the_endpoints()
    {
        var ports = new EmulatorPorts(LocalPorts.For("DYNAMODB_LOCAL_ENDPOINT"), LocalPorts.For("FAUXQS_ENDPOINT"), LocalPorts.For("REDIS_ENDPOINT"));
        var log = new StringWriter();
        await using var emulators = await EmulatorSet.StartAsync(TestStacks.EmulatorTools, ports, log, CancellationToken.None);
        var batch = Component();

        var local = await LocalBatch.OnEmulatorsAsync(batch, _root.Path, emulators, CancellationToken.None);

        var buckets = (await emulators.S3Client.ListBucketsAsync()).Buckets.Select(b => b.BucketName).ToArray();
        Assert.Contains("batch-input-bucket", buckets);
        Assert.Contains("batch-output-bucket", buckets);
        var table = (await emulators.DynamoDbClient.DescribeTableAsync("batch-predictions")).Table;
        Assert.Equal([("inputKey", KeyType.HASH), ("modelVersion", KeyType.RANGE)], table.KeySchema.Select(k => (k.AttributeName, k.KeyType)));
        Assert.Equal(($"http://127.0.0.1:{ports.DynamoDb}", $"http://127.0.0.1:{ports.Fauxqs}", "batch-output-bucket", "batch-predictions"),
            (local.FunctionVariables["AWS_ENDPOINT_URL_DYNAMODB"], local.FunctionVariables["AWS_ENDPOINT_URL_S3"], local.FunctionVariables["RESULTS_BUCKET"], local.FunctionVariables["PREDICTIONS_TABLE"]));
        Assert.Contains("DynamoDB Local (tables):", log.ToString(), StringComparison.Ordinal);
        // The batch function has no Redis cache to bind; without redis-server installed serve says how to get it.
        Assert.False(local.FunctionVariables.ContainsKey("PREDICTION_CACHE_REDIS_ENDPOINT"));
        Assert.Contains(emulators.Redis is null ? "apt-get install -y redis-server" : "Redis (shared cache):", log.ToString(), StringComparison.Ordinal);

        // Creating them again (serve restarted against the same stand-ins) keeps what is there.
        await LocalBatch.OnEmulatorsAsync(batch, _root.Path, emulators, CancellationToken.None);
    }

    private static BatchInference Component()
    {
        var stack = new Stack("proj", "dev");
        return new BatchInference(stack, "batch", new BatchInferenceArgs
        {
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("fn", "/nonexistent"), Timeout = TimeSpan.FromSeconds(30) },
            ModelName = "ppocr-cls", ModelVersion = "2.0.0", InputPrefix = "scans/", InputSuffix = ".png", MaxReceiveCount = 4,
            Notifications = new AlarmNotifications(stack, "alerts"),
        });
    }

    private static async Task<string> PingAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read).Trim();
    }
}
