using Amazon.Runtime;
using Amazon.S3;
using Inference.Contracts;
using Infra.Hosting;

namespace Infra.Registry;

/// <summary>
/// The <c>model</c> verb of the stack host: <c>push</c>, <c>list</c>, <c>show</c> and <c>verify</c> on the model
/// registry in the stack's models bucket.
/// </summary>
/// <param name="clientFactory">Creates the S3 client for a connection; tests pass one that records requests.</param>
/// <param name="environment">Reads environment variables (AWS_ENDPOINT_URL_S3).</param>
public sealed class ModelCommand(Func<RegistryConnection, IAmazonS3>? clientFactory = null, Func<string, string?>? environment = null) : IHostCommand
{
    /// <summary>The stack config key naming the models bucket; the default of <c>--bucket</c>.</summary>
    public const string BucketConfigKey = "modelBucket";

    private static readonly string[] ConnectionOptions = ["bucket", "endpoint", "stack"];
    private static readonly string[] PushOptions = [.. ConnectionOptions, "config", "kms-key"];

    private readonly Func<RegistryConnection, IAmazonS3> _clientFactory = clientFactory ?? (connection => connection.CreateClient());
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;

    public string Name => "model";

    public string Summary => "the model registry in the models bucket: push a version (SSE-KMS, never overwritten), list, show its model.json, verify its sha256";

    public string Usage =>
        "model push <name> <version> <model.onnx> [--config model.json] [--kms-key ARN] [--bucket B] [--endpoint URL] [--stack NAME]\n" +
        "         model list [name] | model show <name> <version> | model verify <name> <version>   [--bucket B] [--endpoint URL] [--stack NAME]";

    public IReadOnlyCollection<string> Options => PushOptions;

    public bool TakesArguments => true;

    public int Run(HostInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var line = invocation.CommandLine;
        var subVerb = line.Arguments.Count > 0 ? line.Arguments[0] : null;
        var operands = line.Arguments.Skip(1).ToArray();
        var allowed = subVerb == "push" ? PushOptions : ConnectionOptions;
        var arityOk = (subVerb, operands.Length) is ("push", 3) or ("list", 0 or 1) or ("show" or "verify", 2);
        var wrongOptions = line.OptionNames.Where(o => !allowed.Contains(o)).Select(o => "--" + o).ToList();
        if (!arityOk || wrongOptions.Count > 0)
        {
            invocation.Error.WriteLine(!arityOk
                ? $"error: model needs a sub-command (push, list, show, verify) and its arguments; got '{string.Join(' ', line.Arguments)}'"
                : $"error: model {subVerb} does not accept {string.Join(", ", wrongOptions)}");
            invocation.Error.WriteLine($"usage: {Usage}");
            return ExitCodes.Usage;
        }

        try
        {
            var bucket = ResolveBucket(invocation);
            using var s3 = _clientFactory(RegistryConnection.From(line.Option("endpoint"), _environment));
            var registry = new S3ModelRegistry(s3, bucket);
            return subVerb switch
            {
                "push" => Push(registry, operands, line, invocation.Out),
                "list" => List(registry, operands, invocation.Out),
                "show" => Show(registry, operands, invocation.Out),
                _ => Verify(registry, operands, invocation.Out, invocation.Error),
            };
        }
        catch (RegistryException error)
        {
            invocation.Error.WriteLine($"error: {error.Message}");
            return ExitCodes.Failed;
        }
        catch (AmazonServiceException error)
        {
            invocation.Error.WriteLine($"error: S3 refused model {subVerb}: {error.ErrorCode} ({(int)error.StatusCode}): {error.Message}");
            return ExitCodes.Failed;
        }
        catch (AmazonClientException error)
        {
            // No credentials or region, or the endpoint cannot be reached.
            invocation.Error.WriteLine($"error: model {subVerb} cannot reach S3: {error.Message}");
            return ExitCodes.Failed;
        }
    }

    private static int Push(S3ModelRegistry registry, IReadOnlyList<string> operands, CommandLine line, TextWriter output)
    {
        var id = ModelVersionId.Parse(operands[0], operands[1]);
        var modelPath = Path.GetFullPath(operands[2]);
        var configPath = Path.GetFullPath(line.Option("config") ?? Path.Combine(Path.GetDirectoryName(modelPath)!, ModelConfigLoader.FileName));
        var pushed = registry.PushAsync(id, modelPath, configPath, line.Option("kms-key"), CancellationToken.None).GetAwaiter().GetResult();
        output.WriteLine($"pushed {id.Name} {id.Version} to s3://{registry.Bucket}/{id.Folder} ({pushed.SizeBytes} bytes, sha256 {pushed.Sha256})");
        return ExitCodes.Success;
    }

    private static int List(S3ModelRegistry registry, IReadOnlyList<string> operands, TextWriter output)
    {
        var entries = registry.ListAsync(operands.Count == 1 ? operands[0] : null, CancellationToken.None).GetAwaiter().GetResult();
        if (entries.Count == 0)
        {
            output.WriteLine(operands.Count == 1 ? $"no versions of model '{operands[0]}' in s3://{registry.Bucket}" : $"no models in s3://{registry.Bucket}");
        }

        foreach (var entry in entries)
        {
            output.WriteLine($"{entry.Name}\t{entry.Version}\t{entry.PushedAt?.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}");
        }

        return ExitCodes.Success;
    }

    private static int Show(S3ModelRegistry registry, IReadOnlyList<string> operands, TextWriter output)
    {
        var (json, _) = registry.ShowAsync(ModelVersionId.Parse(operands[0], operands[1]), CancellationToken.None).GetAwaiter().GetResult();
        output.WriteLine(json);
        return ExitCodes.Success;
    }

    private static int Verify(S3ModelRegistry registry, IReadOnlyList<string> operands, TextWriter output, TextWriter error)
    {
        var result = registry.VerifyAsync(ModelVersionId.Parse(operands[0], operands[1]), CancellationToken.None).GetAwaiter().GetResult();
        if (result.Intact)
        {
            output.WriteLine($"ok: {result.Id.Name} {result.Id.Version}: sha256 {result.Stored.Sha256}, {result.Stored.SizeBytes} bytes, as model.json declares");
            return ExitCodes.Success;
        }

        error.WriteLine($"error: {result.Id.Name} {result.Id.Version} does not match its model.json: the stored model.onnx has sha256 {result.Stored.Sha256} " +
            $"and {result.Stored.SizeBytes} bytes, model.json declares sha256 {result.Declared.Sha256} and {result.Declared.SizeBytes} bytes");
        return ExitCodes.Failed;
    }

    /// <summary>
    /// <c>--bucket</c>, else the <c>modelBucket</c> config of the stack (<c>--stack</c>, else <c>PULUMI_STACK</c>, else the
    /// host's default stack), from Pulumi's environment or from <c>Pulumi.&lt;stack&gt;.yaml</c>.
    /// </summary>
    private string ResolveBucket(HostInvocation invocation)
    {
        if (invocation.CommandLine.Option("bucket") is { Length: > 0 } bucket)
        {
            return bucket;
        }

        var stack = invocation.CommandLine.Option("stack") ?? _environment("PULUMI_STACK") ?? invocation.Stacks.DefaultStack;
        var values = invocation.Stacks.ConfigValuesOf(stack);
        var key = $"{invocation.Stacks.ProjectName}:{BucketConfigKey}";
        return values.Values.TryGetValue(key, out var configured) && configured.Length > 0
            ? configured
            : throw new RegistryException(
                $"no models bucket: pass --bucket, or set config key '{key}' of stack '{stack}' (`pulumi config set {BucketConfigKey} <bucket> --stack {stack}`)");
    }
}
