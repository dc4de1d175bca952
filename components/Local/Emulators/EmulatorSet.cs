using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;

namespace Infra.Local.Emulators;

/// <summary>The ports serve's --emulators uses; a stand-in already listening on its port is reused.</summary>
public sealed record EmulatorPorts(int DynamoDb = 8000, int Fauxqs = 4566, int Redis = 6379);

/// <summary>
/// serve --emulators: DynamoDB Local (tables), fauxqs (buckets) and Debian's redis-server (the shared cache) on
/// 127.0.0.1, with SDK clients for creating the stack's tables and buckets. Redis is optional: without redis-server
/// installed, serve says how to install it and runs without it. Disposing stops what this set started.
/// </summary>
public sealed class EmulatorSet : IAsyncDisposable
{
    private readonly List<EmulatorProcess> _started = [];

    private EmulatorSet()
    {
    }

    public EmulatorProcess DynamoDb { get; private set; } = null!;

    public EmulatorProcess Fauxqs { get; private set; } = null!;

    /// <summary>Null when redis-server is not installed.</summary>
    public EmulatorProcess? Redis { get; private set; }

    public IAmazonDynamoDB DynamoDbClient { get; private set; } = null!;

    public IAmazonS3 S3Client { get; private set; } = null!;

    /// <param name="toolsFolder">Where the npm-shipped stand-ins are installed (ignored by git), e.g. <c>.build/emulators</c>.</param>
    /// <param name="log">Where to say what was started, reused or is missing.</param>
    public static async Task<EmulatorSet> StartAsync(string toolsFolder, EmulatorPorts ports, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(log);
        var set = new EmulatorSet();
        try
        {
            set.DynamoDb = set.Own(await LocalEmulators.DynamoDbLocalAsync(toolsFolder, ports.DynamoDb, cancellationToken).ConfigureAwait(false), "tables", log);
            set.Fauxqs = set.Own(await LocalEmulators.FauxqsAsync(toolsFolder, ports.Fauxqs, cancellationToken).ConfigureAwait(false), "buckets", log);
            if (LocalEmulators.CanRunRedis || await EmulatorProcess.IsListeningAsync(ports.Redis, cancellationToken).ConfigureAwait(false))
            {
                set.Redis = set.Own(await LocalEmulators.RedisAsync(Path.Combine(toolsFolder, "redis"), ports.Redis, cancellationToken).ConfigureAwait(false), "shared cache", log);
            }
            else
            {
                await log.WriteLineAsync($"Redis: redis-server is not installed, so the shared cache stays off locally. Install it with: apt-get install -y redis-server").ConfigureAwait(false);
            }
        }
        catch
        {
            await set.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var credentials = new BasicAWSCredentials("local", "local");
        set.DynamoDbClient = new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig { ServiceURL = set.DynamoDb.HttpEndpoint, AuthenticationRegion = "us-east-1" });
        set.S3Client = new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = set.Fauxqs.HttpEndpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        return set;
    }

    public async ValueTask DisposeAsync()
    {
        (DynamoDbClient as IDisposable)?.Dispose();
        (S3Client as IDisposable)?.Dispose();
        foreach (var emulator in Enumerable.Reverse(_started))
        {
            await emulator.DisposeAsync().ConfigureAwait(false);
        }
    }

    private EmulatorProcess Own(EmulatorProcess emulator, string purpose, TextWriter log)
    {
        _started.Add(emulator);
        log.WriteLine($"{emulator.Name} ({purpose}): {(emulator.Reused ? "reusing the one already on" : "started on")} {emulator.HostAndPort}");
        return emulator;
    }
}
