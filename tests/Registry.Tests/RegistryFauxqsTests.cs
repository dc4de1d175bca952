using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using Inference.Contracts;
using Inference.Service;
using Inference.Storage;

namespace Registry.Tests;

/// <summary>
/// The registry commands and the function's registry loader against the local S3 stand-in, fauxqs.
/// tests/Registry.Tests/fauxqs.sh (and .ci/run) start it and set FAUXQS_ENDPOINT; without it these tests are skipped, except in CI.
/// </summary>
public sealed class RegistryFauxqsTests : IDisposable
{
    private const string KmsKey = "arn:aws:kms:us-east-1:111122223333:key/7d0c1b6e-4a57-4f0e-9d2a-registrytest";
    private static readonly string? Endpoint = Environment.GetEnvironmentVariable("FAUXQS_ENDPOINT");

    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly string _bucket = $"registry-{Guid.NewGuid():N}";
    private readonly string _work = Directory.CreateTempSubdirectory("registry-work").FullName;
    private readonly RegistryHost _host;
    private readonly AmazonS3Client? _s3;

    public RegistryFauxqsTests()
    {
        _host = new RegistryHost(_ => RecordingS3.Create(Endpoint!, _requests));
        if (Endpoint is not null)
        {
            _s3 = RecordingS3.Create(Endpoint, new ConcurrentQueue<RecordedRequest>());
            _s3.PutBucketAsync(_bucket).GetAwaiter().GetResult();
        }
    }

    public void Dispose()
    {
        _s3?.Dispose();
        _host.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    private AmazonS3Client S3
    {
        get
        {
            // Outside CI a missing server skips; in CI (.ci/run sets CI=true and starts fauxqs) it is a failure.
            Skip.If(_s3 is null && Environment.GetEnvironmentVariable("CI") != "true",
                "FAUXQS_ENDPOINT is not set; run tests/Registry.Tests/fauxqs.sh (CI's .ci/run starts fauxqs and sets it)");
            Assert.True(_s3 is not null, "FAUXQS_ENDPOINT is not set although CI=true: .ci/run must start fauxqs");
            return _s3!;
        }
    }

    private (int Code, string Out, string Error) Model(params string[] args)
    {
        _ = S3;
        return _host.Run(["model", .. args, "--bucket", _bucket]);
    }

    private void Push(string version = TestModels.Version)
    {
        var config = version == TestModels.Version ? TestModels.ConfigFile : TestModels.WriteConfig(_work, c => c["version"] = version);
        var (code, output, error) = Model("push", TestModels.Name, version, TestModels.OnnxFile, "--config", config, "--kms-key", KmsKey);
        Assert.True(code == 0, error);
        Assert.Contains($"pushed {TestModels.Name} {version} to s3://{_bucket}/models/{TestModels.Name}/{version}/", output, StringComparison.Ordinal);
    }

    private void Tamper(string key, byte[] content) =>
        S3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, InputStream = new MemoryStream(content) }).GetAwaiter().GetResult();

    [SkippableFact]
    public void Push_then_list_show_and_verify()
    {
        Push("2.0.0");
        Push("10.0.0");
        Push("2.1.0-rc.1");

        var (listCode, list, _) = Model("list");
        var (showCode, shown, _) = Model("show", TestModels.Name, "2.0.0");
        var (verifyCode, verified, _) = Model("verify", TestModels.Name, "2.0.0");

        Assert.Equal(0, listCode);
        // Semantic-version precedence, not text order ("10.0.0" < "2.0.0" as text).
        Assert.Equal(["2.0.0", "2.1.0-rc.1", "10.0.0"], list.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[1]));
        Assert.All(list.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("ppocr-cls\t", l, StringComparison.Ordinal));
        Assert.Equal(0, showCode);
        var config = JsonNode.Parse(shown)!;
        Assert.Equal("model.onnx", (string?)config["file"]);
        Assert.Equal(TestModels.Sha256, (string?)config["sha256"]);
        Assert.Equal(TestModels.SizeBytes, (long?)config["sizeBytes"]);
        Assert.Equal(["0", "180"], config["labels"]!.AsArray().Select(l => (string?)l));
        Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse((string)config["createdAt"]!, System.Globalization.CultureInfo.InvariantCulture) < TimeSpan.FromMinutes(5));
        Assert.Equal(0, verifyCode);
        Assert.Contains($"ok: ppocr-cls 2.0.0: sha256 {TestModels.Sha256}, {TestModels.SizeBytes} bytes", verified, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void The_bucket_defaults_to_the_stacks_modelBucket_config_and_list_narrows_to_one_model()
    {
        Push();
        _host.SetStackConfig("dev", new Dictionary<string, string> { ["modelBucket"] = _bucket });

        var (code, list, error) = _host.Run("model", "list", TestModels.Name, "--stack", "dev");
        var (otherCode, other, _) = _host.Run("model", "list", "resnet18", "--stack", "dev");

        Assert.True(code == 0, error);
        Assert.StartsWith("ppocr-cls\t2.0.0\t", list, StringComparison.Ordinal);
        Assert.Equal(0, otherCode);
        Assert.Contains($"no versions of model 'resnet18' in s3://{_bucket}", other, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Pushing_an_existing_version_is_refused_and_writes_nothing()
    {
        Push();
        _requests.Clear();

        var (code, _, error) = Model("push", TestModels.Name, TestModels.Version, TestModels.OnnxFile, "--kms-key", KmsKey);

        Assert.Equal(1, code);
        Assert.Contains($"model 'ppocr-cls' version '2.0.0' already exists in s3://{_bucket}/models/ppocr-cls/2.0.0/: versions are immutable, so it is not overwritten",
            error, StringComparison.Ordinal);
        Assert.DoesNotContain(_requests, r => r.Method == HttpMethod.Put || r.Method == HttpMethod.Post);
        Assert.Equal(0, Model("verify", TestModels.Name, TestModels.Version).Code);
    }

    [SkippableFact]
    public void An_unfinished_earlier_push_is_named_and_not_overwritten()
    {
        Tamper("models/ppocr-cls/2.0.0/model.onnx", [1, 2, 3]);

        var (code, _, error) = Model("push", TestModels.Name, TestModels.Version, TestModels.OnnxFile, "--kms-key", KmsKey);

        Assert.Equal(1, code);
        Assert.Contains("exists without its model.json: an earlier push of 'ppocr-cls' '2.0.0' did not finish", error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Verify_detects_a_tampered_model_file()
    {
        Push();
        Tamper("models/ppocr-cls/2.0.0/model.onnx", new byte[TestModels.SizeBytes]);

        var (code, output, error) = Model("verify", TestModels.Name, TestModels.Version);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Contains("error: ppocr-cls 2.0.0 does not match its model.json: the stored model.onnx has sha256 " + Convert.ToHexStringLower(SHA256.HashData(new byte[TestModels.SizeBytes])),
            error, StringComparison.Ordinal);
        Assert.Contains($"model.json declares sha256 {TestModels.Sha256}", error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Show_and_verify_of_an_unknown_version_name_the_versions_there_are()
    {
        Push();

        var (showCode, _, showError) = Model("show", TestModels.Name, "3.0.0");
        var (verifyCode, _, verifyError) = Model("verify", "resnet18", "1.0.0");

        Assert.Equal(1, showCode);
        Assert.Contains($"model 'ppocr-cls' has no version '3.0.0' in s3://{_bucket}/models/; it has: 2.0.0", showError, StringComparison.Ordinal);
        Assert.Equal(1, verifyCode);
        Assert.Contains($"model 'resnet18' is not in the registry s3://{_bucket}/models/", verifyError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_large_model_goes_up_in_parts_and_every_write_asks_for_SSE_KMS_with_the_key_and_no_overwrite()
    {
        const long size = 24L * 1024 * 1024; // above the transfer utility's 16 MiB multipart threshold
        var onnx = Path.Combine(_work, "big.onnx");
        using (var file = File.Create(onnx))
        {
            var chunk = new byte[1024 * 1024];
            for (var i = 0; i < size / chunk.Length; i++)
            {
                Random.Shared.NextBytes(chunk);
                file.Write(chunk);
            }
        }

        var config = TestModels.WriteConfig(_work, c =>
        {
            c["name"] = "big";
            c["version"] = "1.0.0";
            c.Remove("sha256");
            c.Remove("sizeBytes");
        });

        var (code, _, error) = Model("push", "big", "1.0.0", onnx, "--config", config, "--kms-key", KmsKey);

        Assert.True(code == 0, error);
        var writes = _requests.Where(r => r.Method == HttpMethod.Put || r.Method == HttpMethod.Post).ToList();
        var parts = writes.Where(r => r.HasQuery("partNumber")).ToList();
        var initiate = Assert.Single(writes, r => r.HasQuery("uploads"));
        var complete = Assert.Single(writes, r => r.Method == HttpMethod.Post && r.HasQuery("uploadId"));
        var modelJson = Assert.Single(writes, r => r.Uri.AbsolutePath.EndsWith("/models/big/1.0.0/model.json", StringComparison.Ordinal));
        Assert.True(parts.Count >= 2, $"{parts.Count} parts");
        Assert.All(parts, p => Assert.EndsWith("/models/big/1.0.0/model.onnx", p.Uri.AbsolutePath, StringComparison.Ordinal));
        foreach (var write in new[] { initiate, modelJson })
        {
            Assert.Equal("aws:kms", write.Header("x-amz-server-side-encryption"));
            Assert.Equal(KmsKey, write.Header("x-amz-server-side-encryption-aws-kms-key-id"));
        }

        // S3 refuses to complete the upload, or to write model.json, if the key exists: no overwrite even in a race.
        Assert.Equal("*", complete.Header("if-none-match"));
        Assert.Equal("*", modelJson.Header("if-none-match"));
        Assert.Equal(0, Model("verify", "big", "1.0.0").Code);
    }

    [SkippableFact]
    public void A_small_model_goes_up_in_one_put_with_SSE_KMS()
    {
        Push();

        var put = Assert.Single(_requests, r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath.EndsWith("/models/ppocr-cls/2.0.0/model.onnx", StringComparison.Ordinal));
        Assert.DoesNotContain(_requests, r => r.HasQuery("partNumber"));
        Assert.Equal("aws:kms", put.Header("x-amz-server-side-encryption"));
        Assert.Equal(KmsKey, put.Header("x-amz-server-side-encryption-aws-kms-key-id"));
        Assert.Equal("*", put.Header("if-none-match"));
    }

    private Task<ModelService> StartFunctionAsync(string version) =>
        InferenceServiceFactory.FromEnvironmentAsync(name => name switch
        {
            "MODEL_REGISTRY_BUCKET" => _bucket,
            "MODEL_NAME" => TestModels.Name,
            "MODEL_VERSION" => version,
            "MODEL_CACHE_DIR" => Path.Combine(_work, "cache"),
            "MODEL_DIR" => Path.Combine(_work, "no-bundled-models"),
            _ => null,
        }, TextWriter.Null, S3);

    [SkippableFact]
    public async Task The_function_loads_exactly_the_pinned_version_from_the_registry()
    {
        Push("2.0.0");
        Push("2.1.0");

        using var service = await StartFunctionAsync("2.1.0");

        var definition = Assert.Single(service.Models.Definitions);
        Assert.Equal("2.1.0", definition.Version);
        Assert.True(service.Models.IsLoaded(TestModels.Name));
        var cached = Path.Combine(_work, "cache", $"{TestModels.Name}-{TestModels.Sha256}.onnx");
        Assert.Equal(TestModels.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(cached))));
    }

    [SkippableFact]
    public async Task The_function_refuses_a_model_file_whose_sha256_differs_from_the_registrys_model_json()
    {
        Push();
        var tampered = File.ReadAllBytes(TestModels.OnnxFile);
        tampered[^1] ^= 0xFF;
        Tamper("models/ppocr-cls/2.0.0/model.onnx", tampered);

        var error = await Assert.ThrowsAsync<ModelIntegrityException>(() => StartFunctionAsync(TestModels.Version));

        Assert.Contains($"s3://{_bucket}/models/ppocr-cls/2.0.0/model.onnx has sha256 {Convert.ToHexStringLower(SHA256.HashData(tampered))}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"declares {TestModels.Sha256}", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_work, "cache", $"{TestModels.Name}-{TestModels.Sha256}.onnx")));
    }

    [SkippableFact]
    public async Task A_preprocessing_graph_is_pushed_with_its_digest_and_the_function_refuses_it_once_substituted()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_work, "with-graph")).FullName;
        var graph = System.Security.Cryptography.RandomNumberGenerator.GetBytes(4_000);
        await File.WriteAllBytesAsync(Path.Combine(folder, "pre.onnx"), graph);
        var config = TestModels.WriteConfig(folder, c => c["preprocessing"]!["graph"] = "pre.onnx");
        var (code, _, error) = Model("push", TestModels.Name, TestModels.Version, TestModels.OnnxFile, "--config", config, "--kms-key", KmsKey);
        Assert.True(code == 0, error);
        var pinned = new RegistryModel(_bucket, TestModels.Name, TestModels.Version);

        var shown = JsonNode.Parse(Model("show", TestModels.Name, TestModels.Version).Out)!["sideFiles"]!["pre.onnx"]!;
        var fetched = await new RegistryModelSource(S3, pinned, Path.Combine(_work, "cache-1")).FetchDefinitionAsync(default);
        Tamper("models/ppocr-cls/2.0.0/pre.onnx", [.. graph[..^1], (byte)(graph[^1] ^ 0xFF)]);
        var refused = await Assert.ThrowsAsync<ModelIntegrityException>(() => new RegistryModelSource(S3, pinned, Path.Combine(_work, "cache-2")).FetchDefinitionAsync(default));

        Assert.Equal((Convert.ToHexStringLower(SHA256.HashData(graph)), 4_000L), ((string?)shown["sha256"], (long?)shown["sizeBytes"]));
        Assert.Equal(graph, await File.ReadAllBytesAsync(fetched.PreprocessGraphPath!));
        Assert.Contains($"s3://{_bucket}/models/ppocr-cls/2.0.0/pre.onnx has sha256", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_work, "cache-2", "registry", TestModels.Name, TestModels.Version, "pre.onnx")));
    }

    [SkippableFact]
    public async Task The_function_names_a_pinned_version_that_was_never_pushed()
    {
        Push();

        var error = await Assert.ThrowsAsync<ModelNotFoundException>(() => StartFunctionAsync("9.9.9"));

        Assert.Contains($"Model 'ppocr-cls' version '9.9.9': s3://{_bucket}/models/ppocr-cls/9.9.9/model.json does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("push the version with `model push`", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_quantized_version_keeps_its_quantization_record_through_push_show_and_the_functions_loader()
    {
        var config = TestModels.WriteConfig(_work, c =>
        {
            c["version"] = "2.0.0+int8";
            c["quantization"] = JsonNode.Parse($$"""
                { "method": "static-qdq", "sourceSha256": "{{TestModels.Sha256}}", "sourceVersion": "2.0.0",
                  "calibration": { "samples": 8, "setSha256": "{{TestModels.Sha256}}", "source": "text-lines" },
                  "accuracy": { "metric": "top1Agreement", "value": 0.98, "samples": 200 } }
                """);
        });
        var (code, _, error) = Model("push", TestModels.Name, "2.0.0+int8", TestModels.OnnxFile, "--config", config, "--kms-key", KmsKey);
        Assert.True(code == 0, error);

        var (_, shown, _) = Model("show", TestModels.Name, "2.0.0+int8");
        using var service = await StartFunctionAsync("2.0.0+int8");

        var quantization = JsonNode.Parse(shown)!["quantization"]!;
        Assert.Equal("static-qdq", (string?)quantization["method"]);
        Assert.Equal(0.98, (double?)quantization["accuracy"]!["value"]);
        var loaded = Assert.Single(service.Models.Definitions).Config.Quantization!;
        Assert.Equal(TestModels.Sha256, loaded.SourceSha256);
        Assert.Equal(8, loaded.Calibration!.Samples);
    }
}