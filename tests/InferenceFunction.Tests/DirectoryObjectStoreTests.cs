using System.Text;
using System.Text.Json;
using InferenceFunction.Events;
using InferenceFunction.Objects;

namespace InferenceFunction.Tests;

/// <summary>The folder store of local mode, alone and under the batch handler.</summary>
public sealed class DirectoryObjectStoreTests : IDisposable
{
    private const long Limit = 1024 * 1024;

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("objects-");
    private readonly DirectoryObjectStore _store;

    public DirectoryObjectStoreTests() => _store = new DirectoryObjectStore(_root.FullName);

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task AnObjectIsAFileUnderItsBucketFolder_AndRoundTrips()
    {
        await _store.PutAsync("results", "out/a b/x.png.json", Encoding.UTF8.GetBytes("{\"v\":1}"), "application/json", default);

        Assert.Equal("{\"v\":1}", await File.ReadAllTextAsync(Path.Combine(_root.FullName, "results", "out", "a b", "x.png.json")));
        var read = await _store.GetAsync("results", "out/a b/x.png.json", null, Limit, default);
        Assert.Equal("{\"v\":1}", Encoding.UTF8.GetString(read!.Body));
        Assert.Null(read.ContentType);
    }

    [Fact]
    public async Task AMissingObject_OrAFolder_IsAbsent()
    {
        Directory.CreateDirectory(Path.Combine(_root.FullName, "inputs", "folder"));

        Assert.Null(await _store.GetAsync("inputs", "nothing.png", null, Limit, default));
        Assert.Null(await _store.GetAsync("nobucket", "x.png", null, Limit, default));
        Assert.Null(await _store.GetAsync("inputs", "folder", null, Limit, default));
    }

    [Theory]
    [InlineData("inputs", "../outside.png")]
    [InlineData("inputs", "a/../../outside.png")]
    [InlineData("inputs", "/etc/passwd")]
    [InlineData("inputs", "a//b.png")]
    [InlineData("inputs", "./a.png")]
    [InlineData("inputs", "a\\..\\..\\b.png")]
    [InlineData("inputs", "")]
    [InlineData("..", "a.png")]
    [InlineData("a/b", "a.png")]
    [InlineData("In", "a.png")]
    public async Task NamesThatCouldLeaveTheRoot_AreRefused_ForReadsAndWrites(string bucket, string key)
    {
        var read = await Assert.ThrowsAsync<ArgumentException>(() => _store.GetAsync(bucket, key, null, Limit, default));
        var write = await Assert.ThrowsAsync<ArgumentException>(() => _store.PutAsync(bucket, key, [1], "x/y", default));

        Assert.Contains(DirectoryObjectStore.RootVariable, read.Message + write.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(_root.FullName)!, "outside.png"));
        Assert.Empty(_root.EnumerateFileSystemInfos());
    }

    [Fact]
    public async Task AFailedPut_KeepsThePreviousObject_LeavesNoPartialFile_AndSaysWhichObject()
    {
        await _store.PutAsync("results", "out/a.json", Encoding.UTF8.GetBytes("first"), "application/json", default);
        // "out/a.json/b.json" needs a folder where the file out/a.json is.
        var failure = await Assert.ThrowsAsync<IOException>(() => _store.PutAsync("results", "out/a.json/b.json", [1], "application/json", default));
        await _store.PutAsync("results", "out/a.json", Encoding.UTF8.GetBytes("second"), "application/json", default);

        Assert.Contains("s3://results/out/a.json/b.json", failure.Message, StringComparison.Ordinal);
        Assert.Equal("second", Encoding.UTF8.GetString((await _store.GetAsync("results", "out/a.json", null, Limit, default))!.Body));
        Assert.Equal([Path.Combine(_root.FullName, "results", "out", "a.json")], Directory.EnumerateFiles(_root.FullName, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AFileOverTheLimit_IsRefusedFromItsLength_WithoutBeingRead()
    {
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(_root.FullName, "inputs")).FullName, "huge.png");
        using (var sparse = File.Create(path))
        {
            sparse.SetLength(4L << 30); // 4 GiB, sparse: more than any byte array can hold
        }

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var refused = await Assert.ThrowsAsync<ObjectTooLargeException>(() => _store.GetAsync("inputs", "huge.png", null, Limit, default));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.Equal((4L << 30, Limit), (refused.Size, refused.Limit));
        Assert.Contains($"s3://inputs/huge.png has {4L << 30} bytes; at most {Limit} (MAX_BODY_BYTES)", refused.Message, StringComparison.Ordinal);
        Assert.True(allocated < Limit / 4, $"{allocated} bytes allocated");
    }

    [Fact]
    public async Task AFileOfExactlyTheLimit_IsReadWhole_AndOneByteMoreIsRefused()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root.FullName, "inputs")).FullName;
        var content = Enumerable.Range(0, (int)Limit).Select(i => (byte)i).ToArray();
        await File.WriteAllBytesAsync(Path.Combine(folder, "full.png"), content);
        await File.WriteAllBytesAsync(Path.Combine(folder, "over.png"), [.. content, 1]);

        Assert.Equal(content, (await _store.GetAsync("inputs", "full.png", null, Limit, default))!.Body);
        Assert.Equal(Limit + 1, (await Assert.ThrowsAsync<ObjectTooLargeException>(() => _store.GetAsync("inputs", "over.png", null, Limit, default))).Size);
    }

    [Fact]
    public async Task ConcurrentPutsOfOneKey_LeaveOneWholeObject()
    {
        var versions = Enumerable.Range(0, 20).Select(i => Encoding.UTF8.GetBytes(new string((char)('a' + i), 200_000))).ToArray();

        await Task.WhenAll(versions.Select(v => Task.Run(() => _store.PutAsync("results", "same.json", v, "application/json", default))));

        var stored = (await _store.GetAsync("results", "same.json", null, Limit, default))!.Body;
        Assert.Contains(versions, v => v.AsSpan().SequenceEqual(stored));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_root.FullName, "results")));
    }

    [Fact]
    public async Task TheBatchHandlerOverAFolder_AccountsForEveryInputExactlyOnce()
    {
        // 20 good images, 5 the model rejects, 3 of an unsupported type, 3 deleted before processing, 4 transiently failing once.
        var keys = new List<string>();
        void Upload(string key, bool stored = true)
        {
            if (stored)
            {
                var path = Path.Combine(_root.FullName, "inputs", key);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, [1, 2, 3]);
            }

            keys.Add(key);
        }

        for (var i = 0; i < 20; i++) Upload($"incoming/good/{i}.png");
        for (var i = 0; i < 5; i++) Upload($"incoming/poison/{i}.png");
        for (var i = 0; i < 3; i++) Upload($"incoming/notes/{i}.txt");
        for (var i = 0; i < 3; i++) Upload($"incoming/deleted/{i}.png", stored: false);
        for (var i = 0; i < 4; i++) Upload($"incoming/flaky/{i}.png");
        var firstDelivery = new HashSet<string>();
        var service = new FakeInferenceService(request => request.PredictionLogKey switch
        {
            { } key when key.Contains("/poison/", StringComparison.Ordinal) => FakeInferenceService.Json(400, "{\"error\":\"not an image\",\"code\":\"invalid_image\"}"),
            { } key when key.Contains("/flaky/", StringComparison.Ordinal) && firstDelivery.Add(key) => FakeInferenceService.Json(503, "{\"error\":\"busy\",\"code\":\"model_unavailable\"}"),
            _ => FakeInferenceService.Json(200, "{\"model_name\":\"resnet18\"}"),
        });
        var handler = new SqsS3BatchHandler(service, _store, new BatchOptions("results", "out/", "resnet18", "0.23.1"), TextWriter.Null);
        var messages = keys.Select((key, i) => new SqsMessage
        {
            MessageId = $"m{i}",
            EventSource = "aws:sqs",
            Body = $$$"""{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"inputs"},"object":{"key":"{{{Uri.EscapeDataString(key)}}}"} } }]}""",
        }).ToList();

        var invocation = Invocations.WithPayload("{}");
        var first = await handler.HandleAsync(messages, invocation.RequestId, Invocations.Deadline(invocation), CancellationToken.None);
        var retried = first.BatchItemFailures.Select(f => f.ItemIdentifier).ToHashSet();
        var second = await handler.HandleAsync([.. messages.Where(m => retried.Contains(m.MessageId))], invocation.RequestId, Invocations.Deadline(invocation), CancellationToken.None);

        Assert.Equal(4, retried.Count);
        Assert.Empty(second.BatchItemFailures);
        var results = Path.Combine(_root.FullName, "results");
        var records = Directory.EnumerateFiles(results, "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(results, path).Replace(Path.DirectorySeparatorChar, '/'), path => JsonDocument.Parse(File.ReadAllBytes(path)).RootElement.Clone());
        Assert.Equal(keys.Select(k => $"out/resnet18/0.23.1/{k}.json").Order(), records.Keys.Order());
        Assert.Equal(24, records.Values.Count(r => r.GetProperty("status").GetInt32() == 200));
        Assert.All(keys.Where(k => k.Contains("/poison/", StringComparison.Ordinal)), k => Assert.Equal(400, records[$"out/resnet18/0.23.1/{k}.json"].GetProperty("status").GetInt32()));
        Assert.All(keys.Where(k => k.Contains("/notes/", StringComparison.Ordinal)), k => Assert.Equal(415, records[$"out/resnet18/0.23.1/{k}.json"].GetProperty("status").GetInt32()));
        Assert.All(keys.Where(k => k.Contains("/deleted/", StringComparison.Ordinal)), k => Assert.Equal(404, records[$"out/resnet18/0.23.1/{k}.json"].GetProperty("status").GetInt32()));
        Assert.All(keys.Where(k => k.Contains("/good/", StringComparison.Ordinal)), k => Assert.True(File.Exists(Path.Combine(_root.FullName, "inputs", k)), "inputs stay where they are"));
    }

    [Fact]
    public void WithoutTheRootVariable_TheHandlerUsesS3()
    {
        using var s3 = new Amazon.S3.AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials("a", "b"), Amazon.RegionEndpoint.USEast1);

        Assert.IsType<S3ObjectStore>(ObjectStores.FromEnvironment(_ => null, () => s3));
        Assert.IsType<DirectoryObjectStore>(ObjectStores.FromEnvironment(name => name == "LOCAL_OBJECT_ROOT" ? _root.FullName : null, () => throw new InvalidOperationException("no S3 client in local mode")));
    }
}
