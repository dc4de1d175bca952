using System.Text;
using System.Text.Json;
using Inference.Caching;
using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Jobs;
using InferenceFunction.Objects;
using TestModels;

namespace InferenceFunction.Tests;

/// <summary>
/// 1,000 uploads, 5% poison, with S3 faults injected, driven through the real batch handler and PP-OCR's classifier,
/// once as the Lambda path delivers them and once as the AWS Batch option's job mode runs them,
/// for as many deliveries as SQS would make (batches of 10, redelivery of batchItemFailures up to maxReceiveCount,
/// then the dead-letter queue, and some duplicate deliveries of messages that had succeeded).
/// </summary>
public sealed class BatchFaultInjectionTests : IDisposable
{
    private const int Inputs = 1000;
    private const int BatchSize = 10;
    private const int MaxReceiveCount = 3;

    /// <summary>Where the records are: the results prefix, then the model and version that wrote them.</summary>
    private const string RecordPrefix = "out/ppocr-cls/2.0.0/";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("batch-faults-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task EveryInputEndsWithExactlyOneRecordOrOneDeadLetter_AndRedeliveriesOverwriteTheirRecord()
    {
        var keys = await SeedAsync();
        var store = Flaky(keys);
        using var service = await CreateServiceAsync();
        var handler = new SqsS3BatchHandler(service, store, new BatchOptions("results", "out/", "ppocr-cls", "2.0.0"), TextWriter.Null);

        var queue = new SimulatedQueue(keys.Select((key, i) => new SqsMessage
        {
            MessageId = $"m{i}",
            EventSource = "aws:sqs",
            Body = $$$"""{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"uploads"},"object":{"key":"{{{key}}}","size":1} } }]}""",
        }), MaxReceiveCount, duplicateEvery: 50);
        await queue.DrainAsync(BatchSize, async batch =>
        {
            var invocation = Invocations.WithPayload("{}");
            var response = await handler.HandleAsync(batch, invocation.RequestId, Invocations.Deadline(invocation), CancellationToken.None);
            return response.BatchItemFailures.Select(f => f.ItemIdentifier).ToHashSet();
        });

        AssertEveryInputSettledOnce(keys, queue.DeadLetters.Select(m => keys[int.Parse(m.MessageId[1..])]).ToList(), store);

        // Messages were redelivered, and duplicates overwrote their record instead of adding one.
        Assert.True(queue.Redeliveries >= 200, $"{queue.Redeliveries} redeliveries");
        Assert.True(queue.Duplicates >= 15, $"{queue.Duplicates} duplicate deliveries");
        Assert.Contains(store.StoredPuts.Values, n => n > 1);
    }

    /// <summary>
    /// The same uploads and faults through the AWS Batch option's job mode: one job over a manifest of all 1,000 keys,
    /// trying each failed object as often as SQS would deliver it, then sending it to the dead-letter queue.
    /// </summary>
    [Fact]
    public async Task BatchJob_OverAManifest_EndsEveryInputWithExactlyOneRecordOrOneDeadLetterWithItsReason()
    {
        var keys = await SeedAsync();
        await new DirectoryObjectStore(_root.FullName).PutAsync("jobs", "all.manifest", Encoding.UTF8.GetBytes(string.Join('\n', keys.Select(k => $"s3://uploads/{k}"))), "text/plain", CancellationToken.None);
        var store = Flaky(keys);
        using var service = await CreateServiceAsync();
        var handler = new SqsS3BatchHandler(service, store, new BatchOptions("results", "out/", "ppocr-cls", "2.0.0"), TextWriter.Null);
        var deadLetters = new RecordingDeadLetterQueue();
        var job = new BatchJob(handler, store, deadLetters, new BatchJobOptions { Attempts = MaxReceiveCount, RetryDelay = TimeSpan.Zero }, TextWriter.Null);

        var exitCode = await job.RunAsync(BatchJobInput.Parse("manifest:s3://jobs/all.manifest"), "job-1", CancellationToken.None);

        Assert.Equal(0, exitCode);
        AssertEveryInputSettledOnce(keys, deadLetters.Sent.Select(d => d.Input.Key).ToList(), store);
        Assert.All(deadLetters.Sent, d => Assert.Contains("3 attempt(s) failed; the last: AmazonS3Exception: Please reduce your request rate.", d.Reason, StringComparison.Ordinal));
        Assert.All(deadLetters.Sent, d => Assert.Equal("job-1", d.JobId));
    }

    /// <summary>1,000 uploads in the bucket <c>uploads</c>: every 20th is poison (a corrupt image, or a tensor of the wrong shape).</summary>
    private async Task<string[]> SeedAsync()
    {
        var folders = new DirectoryObjectStore(_root.FullName);
        var upright = TextLines.Png("Quick brown fox", upsideDown: false);
        var upsideDown = TextLines.Png("Quick brown fox", upsideDown: true);
        var keys = new string[Inputs];
        for (var i = 0; i < Inputs; i++)
        {
            (keys[i], var body) = (i % 20, i % 40) switch
            {
                (0, 0) => ($"lines/{i}-corrupt.png", new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 }),
                (0, _) => ($"tensors/{i}-wrong-shape.json", """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3,2,2],"data":[0,0,0,0,0,0,0,0,0,0,0,0]}]}"""u8.ToArray()),
                _ => ($"lines/{i}.png", i % 2 == 1 ? upsideDown : upright),
            };
            await folders.PutAsync("uploads", keys[i], body, "application/octet-stream", CancellationToken.None);
        }

        return keys;
    }

    /// <summary>S3 faults on the uploads and their records: some gets and puts fail once, every 100th input's get always fails.</summary>
    private FlakyObjectStore Flaky(string[] keys)
    {
        var index = keys.Select((key, i) => (key, i)).ToDictionary(p => p.key, p => p.i);
        int IndexOf(string key) => index.TryGetValue(key, out var i) ? i
            : key.StartsWith(RecordPrefix, StringComparison.Ordinal) ? index[key[RecordPrefix.Length..^".json".Length]] : -1;
        return new FlakyObjectStore(new DirectoryObjectStore(_root.FullName),
            getFailsOnce: key => IndexOf(key) % 10 == 3,
            putFailsOnce: key => IndexOf(key) % 10 is 7 or 0,
            getAlwaysFails: key => IndexOf(key) % 100 == 51);
    }

    private static Task<ModelService> CreateServiceAsync() => InferenceServiceFactory.CreateAsync(new InferenceOptions
    {
        ModelDirectory = Path.Combine(AppContext.BaseDirectory, "models"),
        ModelName = "ppocr-cls",
        IntraOpThreads = 1,
        Cache = new PredictionCacheOptions { MaxEntries = 0 },
    }, TextWriter.Null);

    private void AssertEveryInputSettledOnce(string[] keys, List<string> deadLettered, FlakyObjectStore store)
    {
        var results = Directory.GetFiles(Path.Combine(_root.FullName, "results"), "*", SearchOption.AllDirectories);
        var recorded = results.Select(path => Path.GetRelativePath(Path.Combine(_root.FullName, "results", RecordPrefix), path)[..^".json".Length].Replace('\\', '/')).ToHashSet();

        // Exactly one outcome per input: a record, or a dead letter; never both, never neither, never two.
        Assert.Equal(Inputs - 10, recorded.Count);
        Assert.Equal(keys.Where((_, i) => i % 100 == 51).Order(), deadLettered.Order());
        Assert.All(keys, key => Assert.True(recorded.Contains(key) ^ deadLettered.Contains(key), key));
        Assert.Equal(results.Length, recorded.Count);
        Assert.DoesNotContain(results, path => path.EndsWith(DirectoryObjectStore.PartialSuffix, StringComparison.Ordinal));
        Assert.True(store.InjectedFaults >= 200, $"{store.InjectedFaults} faults injected");

        var index = keys.Select((key, i) => (key, i)).ToDictionary(p => p.key, p => p.i);
        var outcomes = keys.Where(recorded.Contains).Select(key => (key, record: Record(key))).ToList();
        Assert.All(outcomes, o => Assert.Equal(o.key, o.record.GetProperty("input").GetProperty("key").GetString()));
        var poison = outcomes.Where(o => o.key.Contains("corrupt", StringComparison.Ordinal) || o.key.Contains("wrong-shape", StringComparison.Ordinal)).ToList();
        Assert.Equal(50, poison.Count);
        Assert.All(poison, o => Assert.Equal(("error", 400), (o.record.GetProperty("outcome").GetString(), o.record.GetProperty("status").GetInt32())));
        var predicted = outcomes.Except(poison).ToList();
        Assert.Equal(940, predicted.Count);
        Assert.All(predicted, o =>
        {
            var response = o.record.GetProperty("response");
            Assert.Equal(("result", 200), (o.record.GetProperty("outcome").GetString(), o.record.GetProperty("status").GetInt32()));
            Assert.Equal(("ppocr-cls", "2.0.0"), (response.GetProperty("model_name").GetString(), response.GetProperty("model_version").GetString()));
        });
        Assert.All(predicted.Take(40), o =>
            Assert.Equal(index[o.key] % 2 == 1 ? "180" : "0", o.record.GetProperty("response").GetProperty("predictions")[0].GetProperty("label").GetString()));
    }

    private JsonElement Record(string key) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_root.FullName, "results", RecordPrefix, key + ".json"))).RootElement.Clone();

    /// <summary>The dead-letter queue as the job sees it: every input sent, with its reason and job.</summary>
    private sealed class RecordingDeadLetterQueue : IDeadLetterQueue
    {
        public List<(S3ObjectReference Input, string Reason, string JobId)> Sent { get; } = [];

        public Task SendAsync(S3ObjectReference input, string reason, string jobId, CancellationToken cancellationToken)
        {
            Sent.Add((input, reason, jobId));
            return Task.CompletedTask;
        }
    }
}
