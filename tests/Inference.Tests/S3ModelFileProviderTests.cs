using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Inference.Contracts;
using Inference.Storage;
using Moq;
using TestModels;

namespace Inference.Tests;

public sealed class S3ModelFileProviderTests : IDisposable
{
    private static readonly S3ModelLocation Location = new("models-bucket", "cls/model.onnx", "v42");
    private static readonly DownloadRetryPolicy FastRetries = new(4, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));

    private readonly TempDirectory _dir = new();
    private readonly byte[] _bytes = RandomNumberGenerator.GetBytes(300_000);
    private readonly Mock<IAmazonS3> _s3 = new(MockBehavior.Strict);
    private readonly List<TimeSpan> _delays = [];

    public void Dispose() => _dir.Dispose();

    private string CacheDirectory => Path.Combine(_dir.Path, "cache");

    [Fact]
    public async Task Downloads_verifies_and_caches_the_file_under_its_hash()
    {
        GetObjectRequest? sent = null;
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .Callback<GetObjectRequest, CancellationToken>((r, _) => sent = r)
            .ReturnsAsync(() => Response(_bytes));
        var model = Model(Sha(_bytes), _bytes.Length);
        var provider = Provider();

        var path = await provider.GetModelFileAsync(model, default);

        Assert.Equal(_bytes, await File.ReadAllBytesAsync(path));
        Assert.Equal(Path.Combine(CacheDirectory, $"cls-{Sha(_bytes)}.onnx"), path);
        Assert.Equal(("models-bucket", "cls/model.onnx", "v42"), (sent!.BucketName, sent.Key, sent.VersionId));
        Assert.Single(Directory.GetFiles(CacheDirectory));
    }

    [Fact]
    public async Task A_later_start_reuses_the_verified_file_without_calling_S3()
    {
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(() => Response(_bytes));
        var model = Model(Sha(_bytes), null);
        await Provider().GetModelFileAsync(model, default);

        var secondStart = Provider();
        await secondStart.GetModelFileAsync(model, default);

        Assert.Equal(0, secondStart.Attempts);
        _s3.Verify(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_missing_object_is_a_clear_not_found_error()
    {
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(S3Error(HttpStatusCode.NotFound, "NoSuchKey"));
        var provider = Provider();

        var error = await Assert.ThrowsAsync<ModelNotFoundException>(() => provider.GetModelFileAsync(Model(Sha(_bytes), null), default));

        Assert.Contains("s3://models-bucket/cls/model.onnx (version v42) does not exist (NoSuchKey)", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, provider.Attempts);
        Assert.Empty(Directory.GetFiles(CacheDirectory));
    }

    [Fact]
    public async Task Access_denied_says_which_permission_is_missing()
    {
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(S3Error(HttpStatusCode.Forbidden, "AccessDenied"));
        var provider = Provider();

        var error = await Assert.ThrowsAsync<ModelAccessDeniedException>(() => provider.GetModelFileAsync(Model(Sha(_bytes), null), default));

        Assert.Contains("s3:GetObjectVersion", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, provider.Attempts);
    }

    [Fact]
    public async Task A_corrupt_file_fails_the_hash_check_and_leaves_nothing_a_later_start_would_trust()
    {
        var corrupt = (byte[])_bytes.Clone();
        corrupt[1234] ^= 0xFF;
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(() => Response(corrupt));
        var provider = Provider();

        var error = await Assert.ThrowsAsync<ModelIntegrityException>(() => provider.GetModelFileAsync(Model(Sha(_bytes), null), default));

        Assert.Contains($"has sha256 {Sha(corrupt)} but", error.Message, StringComparison.Ordinal);
        Assert.Contains($"declares {Sha(_bytes)}", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(CacheDirectory));
        Assert.Equal(1, provider.Attempts);
    }

    [Fact]
    public async Task A_size_different_from_model_json_is_refused()
    {
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(() => Response(_bytes));

        var error = await Assert.ThrowsAsync<ModelIntegrityException>(() => Provider().GetModelFileAsync(Model(Sha(_bytes), _bytes.Length + 1), default));

        Assert.Contains($"has {_bytes.Length} bytes but", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(CacheDirectory));
    }

    [Fact]
    public async Task An_object_announced_larger_than_sizeBytes_is_refused_before_its_body_is_read()
    {
        var body = new CountingBody(200L * 1024 * 1024);
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(() => Response(body, body.Length));
        var provider = Provider();

        var error = await Assert.ThrowsAsync<ModelIntegrityException>(() => provider.GetModelFileAsync(Model(Sha(_bytes), _bytes.Length), default));

        Assert.Equal(0, body.Served);
        Assert.Contains($"s3://models-bucket/cls/model.onnx (version v42) exceeds the sizeBytes {_bytes.Length}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"announces {body.Length} bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, provider.Attempts); // a wrong object is not the network's fault: no retries
        Assert.Empty(Directory.GetFiles(CacheDirectory));
    }

    [Fact]
    public async Task An_object_that_keeps_coming_past_sizeBytes_is_cut_off_early_and_leaves_no_partial_file()
    {
        // The announced length agrees with sizeBytes, but the body does not end there (a substituted object, a lying proxy).
        var body = new CountingBody(200L * 1024 * 1024);
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(() => Response(body, _bytes.Length));
        var provider = Provider();

        var error = await Assert.ThrowsAsync<ModelIntegrityException>(() => provider.GetModelFileAsync(Model(Sha(_bytes), _bytes.Length), default));

        Assert.InRange(body.Served, _bytes.Length + 1, _bytes.Length + (1 << 16));
        Assert.Contains($"s3://models-bucket/cls/model.onnx (version v42) exceeds the sizeBytes {_bytes.Length}", error.Message, StringComparison.Ordinal);
        Assert.Contains("download stopped after", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, provider.Attempts);
        Assert.Empty(Directory.GetFiles(CacheDirectory));
    }

    [Fact]
    public async Task Throttling_and_server_errors_are_retried_with_growing_jittered_backoff()
    {
        _s3.SetupSequence(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(S3Error(HttpStatusCode.ServiceUnavailable, "SlowDown"))
            .ThrowsAsync(S3Error(HttpStatusCode.InternalServerError, "InternalError"))
            .ThrowsAsync(new HttpRequestException("connection reset"))
            .ReturnsAsync(Response(_bytes));
        var provider = Provider();

        var path = await provider.GetModelFileAsync(Model(Sha(_bytes), _bytes.Length), default);

        Assert.Equal(_bytes, await File.ReadAllBytesAsync(path));
        Assert.Equal(4, provider.Attempts);
        Assert.Equal(3, _delays.Count);
        Assert.All(_delays.Zip([100, 200, 400]), p => Assert.InRange(p.First.TotalMilliseconds, 0, p.Second));
    }

    [Fact]
    public async Task A_connection_that_ends_early_is_retried()
    {
        _s3.SetupSequence(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response(_bytes[..1000], announcedLength: _bytes.Length))
            .ReturnsAsync(Response(_bytes));
        var provider = Provider();

        await provider.GetModelFileAsync(Model(Sha(_bytes), null), default);

        Assert.Equal(2, provider.Attempts);
        Assert.Single(Directory.GetFiles(CacheDirectory));
    }

    [Fact]
    public async Task Persistent_throttling_gives_up_after_the_last_attempt_with_the_cause()
    {
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(S3Error(HttpStatusCode.ServiceUnavailable, "SlowDown"));
        var provider = Provider();

        var error = await Assert.ThrowsAsync<ModelStorageException>(() => provider.GetModelFileAsync(Model(Sha(_bytes), null), default));

        Assert.Equal(FastRetries.MaxAttempts, provider.Attempts);
        Assert.Contains("failed 4 times", error.Message, StringComparison.Ordinal);
        Assert.IsType<AmazonS3Exception>(error.InnerException);
    }

    [Fact]
    public async Task A_full_cache_disk_is_reported_at_once_naming_the_directory_and_leaves_no_partial_file()
    {
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(() => Response(_bytes));
        var model = Model(Sha(_bytes), _bytes.Length);
        var full = Provider(path => new DiskFullAfter(File.Create(path), 100_000));

        var error = await Assert.ThrowsAsync<ModelCacheWriteException>(() => full.GetModelFileAsync(model, default));

        Assert.Contains($"cache directory {CacheDirectory} failed: No space left on device", error.Message, StringComparison.Ordinal);
        Assert.Contains("ephemeral storage", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, full.Attempts); // a full disk is not the network's fault: no retries
        Assert.Empty(Directory.GetFiles(CacheDirectory));

        var freed = Provider();
        Assert.Equal(_bytes, await File.ReadAllBytesAsync(await freed.GetModelFileAsync(model, default)));
        Assert.Single(Directory.GetFiles(CacheDirectory));
    }

    [Fact]
    public async Task A_stream_that_stalls_until_the_client_times_out_is_retried_and_its_partial_file_removed()
    {
        var partialsDuringStall = new List<string[]>();
        _s3.SetupSequence(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response(new StallingStream(_bytes, 70_000, () => partialsDuringStall.Add(Directory.GetFiles(CacheDirectory))), _bytes.Length))
            .ReturnsAsync(Response(new TricklingStream(_bytes, 4096), _bytes.Length));
        var provider = Provider();

        var path = await provider.GetModelFileAsync(Model(Sha(_bytes), _bytes.Length), default);

        Assert.Equal(2, provider.Attempts);
        Assert.Single(Assert.Single(partialsDuringStall), f => f.EndsWith(".partial", StringComparison.Ordinal));
        Assert.Equal([path], Directory.GetFiles(CacheDirectory));
        Assert.Equal(_bytes, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_stream_that_always_stalls_gives_up_with_the_timeout_as_cause_and_leaves_nothing()
    {
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => Response(new StallingStream(_bytes, 70_000, () => { }), _bytes.Length));
        var provider = Provider();

        var error = await Assert.ThrowsAsync<ModelStorageException>(() => provider.GetModelFileAsync(Model(Sha(_bytes), null), default));

        Assert.Contains("failed 4 times; last error: A task was canceled", error.Message, StringComparison.Ordinal);
        Assert.IsType<TaskCanceledException>(error.InnerException);
        Assert.Empty(Directory.GetFiles(CacheDirectory));
    }

    [Fact]
    public async Task A_model_json_without_sha256_cannot_load_from_S3()
    {
        var error = await Assert.ThrowsAsync<ModelConfigException>(() => Provider().GetModelFileAsync(Model(null, null), default));

        Assert.Contains("'sha256'", error.Message, StringComparison.Ordinal);
        Assert.Contains("required when the model file comes from s3://models-bucket", error.Message, StringComparison.Ordinal);
    }

    private S3ModelFileProvider Provider(Func<string, Stream>? createPartialFile = null) => new(_s3.Object, Location, CacheDirectory, FastRetries,
        (delay, _) =>
        {
            _delays.Add(delay);
            return Task.CompletedTask;
        }, new Random(7), createPartialFile);

    private ModelDefinition Model(string? sha256, long? size)
    {
        var integrity = (sha256 is null ? "" : $"\"sha256\":\"{sha256}\",") + (size is null ? "" : $"\"sizeBytes\":{size},");
        var json = $$"""
            {"name":"cls","version":"1.0.0","file":"m.onnx",{{integrity}}
             "inputs":[{"name":"x","datatype":"FP32","shape":[1]}],"outputs":[{"name":"y","datatype":"FP32","shape":[1]}]}
            """;
        return ModelConfigLoader.Load(_dir.Write("model/model.json", json));
    }

    private static GetObjectResponse Response(byte[] bytes, long? announcedLength = null) => Response(new MemoryStream(bytes), announcedLength ?? bytes.Length);

    private static GetObjectResponse Response(Stream body, long announcedLength) => new()
    {
        ResponseStream = body,
        ContentLength = announcedLength,
        HttpStatusCode = HttpStatusCode.OK,
    };

    private static AmazonS3Exception S3Error(HttpStatusCode status, string code) =>
        new($"{code} from S3", ErrorType.Sender, code, "request-1", status);

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
