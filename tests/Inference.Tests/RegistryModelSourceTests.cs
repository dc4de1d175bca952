using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Inference.Contracts;
using Inference.Storage;
using Moq;
using TestModels;

namespace Inference.Tests;

/// <summary>
/// The function's reading of a pinned registry version: model.json and the side files it names (here a preprocessing
/// graph) are downloaded with a cap, checked, and renamed into place only when whole and right.
/// </summary>
public sealed class RegistryModelSourceTests : IDisposable
{
    private const string Bucket = "registry-bucket";
    private static readonly RegistryModel Pinned = new(Bucket, "cls", "1.0.0");

    private readonly TempDirectory _dir = new();
    private readonly byte[] _graph = RandomNumberGenerator.GetBytes(5_000);
    private readonly Mock<IAmazonS3> _s3 = new(MockBehavior.Strict);

    public void Dispose() => _dir.Dispose();

    private string Folder => Path.Combine(_dir.Path, "registry", "cls", "1.0.0");

    private string GraphPath => Path.Combine(Folder, "pre.onnx");

    [Fact]
    public async Task A_good_side_file_lands_under_its_name_only_once_whole_and_checked()
    {
        var seenMidDownload = new List<bool>();
        Serve("model.json", () => Body(ConfigJson(Sha(_graph), _graph.Length)));
        Serve("pre.onnx", () => Response(new WatchedStream(_graph, served => seenMidDownload.Add(File.Exists(GraphPath))), _graph.Length));

        var definition = await Source().FetchDefinitionAsync(default);

        Assert.Equal(GraphPath, definition.PreprocessGraphPath);
        Assert.Equal(_graph, await File.ReadAllBytesAsync(GraphPath));
        Assert.True(seenMidDownload.Count > 2, $"{seenMidDownload.Count} reads");
        Assert.DoesNotContain(true, seenMidDownload);
        Assert.Equal(["model.json", "pre.onnx"], Directory.GetFiles(Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_side_file_whose_sha256_differs_is_refused_naming_both_hashes_and_nothing_is_left_in_place()
    {
        var substituted = (byte[])_graph.Clone();
        substituted[100] ^= 0xFF;
        Serve("model.json", () => Body(ConfigJson(Sha(_graph), _graph.Length)));
        Serve("pre.onnx", () => Response(new MemoryStream(substituted), substituted.Length));

        var error = await Assert.ThrowsAsync<ModelIntegrityException>(() => Source().FetchDefinitionAsync(default));

        Assert.Contains($"s3://{Bucket}/models/cls/1.0.0/pre.onnx has sha256 {Sha(substituted)}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"sideFiles declares {Sha(_graph)}", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(GraphPath));
        Assert.DoesNotContain(Directory.GetFiles(Folder), f => f.EndsWith(".partial", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_side_file_larger_than_its_recorded_size_is_cut_off_early()
    {
        var body = new CountingBody(200L * 1024 * 1024);
        Serve("model.json", () => Body(ConfigJson(Sha(_graph), _graph.Length)));
        Serve("pre.onnx", () => Response(body, _graph.Length));

        var error = await Assert.ThrowsAsync<ModelIntegrityException>(() => Source().FetchDefinitionAsync(default));

        Assert.InRange(body.Served, _graph.Length + 1, _graph.Length + (1 << 16));
        Assert.Contains($"s3://{Bucket}/models/cls/1.0.0/pre.onnx exceeds the sizeBytes {_graph.Length}", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(GraphPath));
        Assert.DoesNotContain(Directory.GetFiles(Folder), f => f.EndsWith(".partial", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_side_file_without_a_recorded_digest_is_not_fetched_and_the_error_says_to_push_again()
    {
        Serve("model.json", () => Body(ConfigJson(null, null)));

        var error = await Assert.ThrowsAsync<ModelConfigException>(() => Source().FetchDefinitionAsync(default));

        Assert.Contains("'sideFiles'", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"pre.onnx\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("model push", error.Message, StringComparison.Ordinal);
        _s3.Verify(s => s.GetObjectAsync(It.Is<GetObjectRequest>(r => r.Key.EndsWith("pre.onnx", StringComparison.Ordinal)), It.IsAny<CancellationToken>()), Times.Never);
        Assert.False(File.Exists(GraphPath));
    }

    [Fact]
    public async Task A_model_json_that_does_not_end_is_cut_off_at_its_cap_and_leaves_no_file()
    {
        var body = new CountingBody(200L * 1024 * 1024);
        Serve("model.json", () => Response(body, 2_000));

        var error = await Assert.ThrowsAsync<ModelIntegrityException>(() => Source().FetchDefinitionAsync(default));

        Assert.InRange(body.Served, RegistryModelSource.MaxConfigBytes + 1, RegistryModelSource.MaxConfigBytes + (1 << 16));
        Assert.Contains($"s3://{Bucket}/models/cls/1.0.0/model.json exceeds {RegistryModelSource.MaxConfigBytes} bytes", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Folder));
    }

    [Fact]
    public async Task Model_json_lands_under_its_name_only_once_whole()
    {
        var json = Encoding.UTF8.GetBytes(ConfigJson(Sha(_graph), _graph.Length));
        var configPath = Path.Combine(Folder, "model.json");
        var seenMidDownload = new List<bool>();
        Serve("model.json", () => Response(new WatchedStream(json, _ => seenMidDownload.Add(File.Exists(configPath))), json.Length));
        Serve("pre.onnx", () => Response(new MemoryStream(_graph), _graph.Length));

        await Source().FetchDefinitionAsync(default);

        Assert.True(seenMidDownload.Count > 1, $"{seenMidDownload.Count} reads");
        Assert.DoesNotContain(true, seenMidDownload);
        Assert.Equal(json, await File.ReadAllBytesAsync(configPath));
    }

    private RegistryModelSource Source() => new(_s3.Object, Pinned, _dir.Path);

    private void Serve(string file, Func<GetObjectResponse> response) =>
        _s3.Setup(s => s.GetObjectAsync(It.Is<GetObjectRequest>(r => r.BucketName == Bucket && r.Key == $"models/cls/1.0.0/{file}"), It.IsAny<CancellationToken>()))
            .ReturnsAsync(response);

    /// <summary>The registry's model.json of a model with a preprocessing graph, recording the graph's digest when given.</summary>
    private static string ConfigJson(string? graphSha256, long? graphSize)
    {
        var sideFiles = graphSha256 is null ? "" : $$$""","sideFiles":{"pre.onnx":{"sha256":"{{{graphSha256}}}","sizeBytes":{{{graphSize}}}}}""";
        var model = new string('a', 64);
        return $$$"""
            {"name":"cls","version":"1.0.0","file":"model.onnx","sha256":"{{{model}}}","sizeBytes":1000,
             "inputs":[{"name":"x","datatype":"FP32","shape":[1,3,4,4]}],"outputs":[{"name":"y","datatype":"FP32","shape":[1,2]}],
             "preprocessing":{"resize":{"width":4,"height":4},"layout":"NCHW","channelOrder":"RGB","scale":1,"graph":"pre.onnx"}{{{sideFiles}}}}
            """;
    }

    private static GetObjectResponse Body(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return Response(new MemoryStream(bytes), bytes.Length);
    }

    private static GetObjectResponse Response(Stream body, long announcedLength) => new()
    {
        ResponseStream = body,
        ContentLength = announcedLength,
        HttpStatusCode = HttpStatusCode.OK,
    };

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
