using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text;
using Amazon.Runtime;
using Amazon.S3.Model;
using Amazon.S3;
using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Runtime;
using LambdaEmulator;
using Moq;

namespace InferenceFunction.Tests;

/// <summary>
/// Model-load faults injected into the function's real init path (ServiceInitialization with the model's ONNX file in
/// a mocked S3) under the real host and Runtime API: each fault is posted to /runtime/init/error with a stable error
/// type, leaves nothing in the cache that a later start would trust, and the next init succeeds once it is gone.
/// </summary>
public sealed class ModelLoadFaultTests : IDisposable
{
    private static readonly string BuiltModel = Path.Combine(AppContext.BaseDirectory, "models", "ppocr-cls");
    private static readonly byte[] ModelBytes = File.ReadAllBytes(Path.Combine(BuiltModel, "ch_ppocr_mobile_v2.0_cls_infer.onnx"));

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("model-faults-");
    private readonly Mock<IAmazonS3> _s3 = new(MockBehavior.Strict);

    public ModelLoadFaultTests() => DeclareModelFile(ModelBytes);

    public void Dispose() => _root.Delete(recursive: true);

    private string ModelDirectory => Path.Combine(_root.FullName, "models");

    private string CacheDirectory => Path.Combine(_root.FullName, "tmp", "models");

    public static TheoryData<string, string> Faults => new()
    {
        { "missing object", "s3://models/cls/model.onnx does not exist (NoSuchKey)" },
        { "access denied", "grant the function's role s3:GetObject" },
        { "throttling", "failed 5 times; last error: SlowDown" },
        { "truncated download", "failed 5 times; last error: received 1000 of 578966 bytes" },
        { "sha256 mismatch", "has sha256 " },
        { "oversized object", "s3://models/cls/model.onnx exceeds the sizeBytes 578966" },
        { "oversized object under a false length", "s3://models/cls/model.onnx exceeds the sizeBytes 578966 that " },
        { "corrupt onnx", "[ErrorCode:InvalidProtobuf]" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task AModelLoadFault_IsAnInitError_LeavesNoFileALaterStartWouldTrust_AndTheNextInitLoads(string fault, string messagePart)
    {
        var corrupt = Encoding.ASCII.GetBytes("this is not an ONNX protobuf, only text of the right sha256");
        InjectFault(fault, corrupt);

        var error = await InitFailsAsync();

        Assert.Equal("ModelLoadFailed", error.ErrorType);
        Assert.Contains("ppocr-cls", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains(messagePart, error.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(fault == "corrupt onnx" ? [CachedPath(corrupt)] : [], CachedFiles());

        // The fault is gone: the object is back and whole (for a corrupt model, a new one with its own sha256 in model.json).
        DeclareModelFile(ModelBytes);
        _s3.Reset();
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(() => Response(ModelBytes, ModelBytes.Length));

        Assert.Equal(InvocationStatus.Succeeded, await InitThenWarmUpAsync());
        Assert.Contains(CachedPath(ModelBytes), CachedFiles());
        Assert.DoesNotContain(CachedFiles(), f => f.EndsWith(".partial", StringComparison.Ordinal));
    }

    private void InjectFault(string fault, byte[] corrupt)
    {
        var get = _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()));
        switch (fault)
        {
            case "missing object":
                get.ThrowsAsync(S3Error(HttpStatusCode.NotFound, "NoSuchKey"));
                break;
            case "access denied":
                get.ThrowsAsync(S3Error(HttpStatusCode.Forbidden, "AccessDenied"));
                break;
            case "throttling":
                get.ThrowsAsync(S3Error(HttpStatusCode.ServiceUnavailable, "SlowDown"));
                break;
            case "truncated download":
                get.ReturnsAsync(() => Response(ModelBytes[..1000], ModelBytes.Length));
                break;
            case "sha256 mismatch":
                var tampered = (byte[])ModelBytes.Clone();
                tampered[^10] ^= 0xFF;
                get.ReturnsAsync(() => Response(tampered, tampered.Length));
                break;
            case "oversized object":
                // A substituted object far larger than model.json's sizeBytes: refused from S3's Content-Length, unread.
                get.ReturnsAsync(() => Response([.. ModelBytes, .. new byte[32 << 20]], ModelBytes.Length + (32 << 20)));
                break;
            case "oversized object under a false length":
                // The announced length agrees with sizeBytes but the body goes on: cut off at the byte after sizeBytes.
                get.ReturnsAsync(() => Response([.. ModelBytes, .. new byte[32 << 20]], ModelBytes.Length));
                break;
            case "corrupt onnx":
                DeclareModelFile(corrupt);
                get.ReturnsAsync(() => Response(corrupt, corrupt.Length));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, null);
        }
    }

    private async Task<EmulatedError> InitFailsAsync()
    {
        await using var server = await RuntimeApiServer.StartAsync("model-faults", CancellationToken.None);
        using var client = new RuntimeApiClient(server.Address);
        var host = new FunctionHost(client, TimeSpan.FromMilliseconds(100), TextWriter.Null);

        var exitCode = await host.RunAsync(CreateHandlerAsync, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exitCode);
        return await server.InitError.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private async Task<InvocationStatus> InitThenWarmUpAsync()
    {
        await using var server = await RuntimeApiServer.StartAsync("model-faults", CancellationToken.None);
        using var client = new RuntimeApiClient(server.Address);
        using var stop = new CancellationTokenSource();
        var host = new FunctionHost(client, TimeSpan.FromMilliseconds(100), TextWriter.Null);
        var run = host.RunAsync(CreateHandlerAsync, stop.Token);

        var (status, _, error) = await server.Enqueue("""{"warmup": true}"""u8.ToArray(), TimeSpan.FromSeconds(30)).Outcome.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        try
        {
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The stop came while the host was still posting the answer the server had already taken.
        }

        Assert.False(server.InitError.IsCompleted, error?.ErrorMessage);
        return status;
    }

    private async Task<IInvocationHandler> CreateHandlerAsync(CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>
        {
            ["MODEL_DIR"] = ModelDirectory,
            ["MODEL_NAME"] = "ppocr-cls",
            ["MODEL_S3_BUCKET"] = "models",
            ["MODEL_S3_KEY"] = "cls/model.onnx",
            ["MODEL_CACHE_DIR"] = CacheDirectory,
            ["ORT_INTRA_OP_THREADS"] = "1",
        };
        var service = await ServiceInitialization.CreateAsync(environment.GetValueOrDefault, TextWriter.Null, _s3.Object, cancellationToken: cancellationToken);
        var noBatches = new Lazy<SqsS3BatchHandler>(() => throw new InvalidOperationException("this test sends no SQS events"));
        return new EventDispatcher(service, noBatches);
    }

    /// <summary>Writes model.json for the model whose ONNX file has these bytes: the built one, with this sha256 and size.</summary>
    private void DeclareModelFile(byte[] bytes)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(BuiltModel, "model.json")), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        json["sha256"] = Sha(bytes);
        json["sizeBytes"] = bytes.Length;
        Directory.CreateDirectory(Path.Combine(ModelDirectory, "ppocr-cls"));
        File.WriteAllText(Path.Combine(ModelDirectory, "ppocr-cls", "model.json"), json.ToJsonString());
    }

    private string[] CachedFiles() => Directory.Exists(CacheDirectory) ? Directory.GetFiles(CacheDirectory) : [];

    private string CachedPath(byte[] bytes) => Path.Combine(CacheDirectory, $"ppocr-cls-{Sha(bytes)}.onnx");

    private static GetObjectResponse Response(byte[] body, long announcedLength) => new()
    {
        ResponseStream = new MemoryStream(body),
        ContentLength = announcedLength,
        HttpStatusCode = HttpStatusCode.OK,
    };

    private static AmazonS3Exception S3Error(HttpStatusCode status, string code) => new($"{code} from S3", ErrorType.Sender, code, "request-1", status);

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
