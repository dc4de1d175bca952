using System.Text;
using System.Text.Json;
using Inference.Caching;
using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Objects;
using TestModels;

namespace InferenceFunction.Tests;

/// <summary>
/// 1,000 uploads, 5% poison, with S3 faults injected, driven through the real batch handler and PP-OCR's classifier
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

        var index = keys.Select((key, i) => (key, i)).ToDictionary(p => p.key, p => p.i);
        int IndexOf(string key) => index.TryGetValue(key, out var i) ? i : index[key[RecordPrefix.Length..^".json".Length]];
        var store = new FlakyObjectStore(folders,
            getFailsOnce: key => IndexOf(key) % 10 == 3,
            putFailsOnce: key => IndexOf(key) % 10 is 7 or 0,
            getAlwaysFails: key => IndexOf(key) % 100 == 51);
        using var service = await InferenceServiceFactory.CreateAsync(new InferenceOptions
        {
            ModelDirectory = Path.Combine(AppContext.BaseDirectory, "models"),
            ModelName = "ppocr-cls",
            IntraOpThreads = 1,
            Cache = new PredictionCacheOptions { MaxEntries = 0 },
        }, TextWriter.Null);
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

        var results = Directory.GetFiles(Path.Combine(_root.FullName, "results"), "*", SearchOption.AllDirectories);
        var recorded = results.Select(path => Path.GetRelativePath(Path.Combine(_root.FullName, "results", RecordPrefix), path)[..^".json".Length].Replace('\\', '/')).ToHashSet();
        var deadLettered = queue.DeadLetters.Select(m => keys[int.Parse(m.MessageId[1..])]).ToList();

        // Exactly one outcome per input: a record, or a dead letter; never both, never neither, never two.
        Assert.Equal(Inputs - 10, recorded.Count);
        Assert.Equal(keys.Where((_, i) => i % 100 == 51).Order(), deadLettered.Order());
        Assert.All(keys, key => Assert.True(recorded.Contains(key) ^ deadLettered.Contains(key), key));
        Assert.Equal(results.Length, recorded.Count);
        Assert.DoesNotContain(results, path => path.EndsWith(DirectoryObjectStore.PartialSuffix, StringComparison.Ordinal));

        // Faults were injected, messages were redelivered, and duplicates overwrote their record instead of adding one.
        Assert.True(store.InjectedFaults >= 200, $"{store.InjectedFaults} faults injected");
        Assert.True(queue.Redeliveries >= 200, $"{queue.Redeliveries} redeliveries");
        Assert.True(queue.Duplicates >= 15, $"{queue.Duplicates} duplicate deliveries");
        Assert.Contains(store.StoredPuts.Values, n => n > 1);

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
            Assert.Equal(IndexOf(o.key) % 2 == 1 ? "180" : "0", o.record.GetProperty("response").GetProperty("predictions")[0].GetProperty("label").GetString()));
    }

    private JsonElement Record(string key) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_root.FullName, "results", RecordPrefix, key + ".json"))).RootElement.Clone();

    /// <summary>
    /// SQS as the event source mapping sees it: batches in order, a failed message comes back until it was received
    /// <c>maxReceiveCount</c> times and then goes to the dead-letter queue; every <c>duplicateEvery</c>-th message that
    /// succeeded is delivered once more, as standard queues may (at-least-once delivery).
    /// </summary>
    private sealed class SimulatedQueue(IEnumerable<SqsMessage> messages, int maxReceiveCount, int duplicateEvery)
    {
        private readonly Queue<SqsMessage> _visible = new(messages);
        private readonly Dictionary<string, int> _receives = new(StringComparer.Ordinal);
        private readonly HashSet<string> _duplicated = new(StringComparer.Ordinal);
        private int _succeeded;

        public List<SqsMessage> DeadLetters { get; } = [];

        public int Redeliveries { get; private set; }

        public int Duplicates { get; private set; }

        public async Task DrainAsync(int batchSize, Func<SqsMessage[], Task<HashSet<string>>> handle)
        {
            while (_visible.Count > 0)
            {
                var batch = Enumerable.Range(0, Math.Min(batchSize, _visible.Count)).Select(_ => _visible.Dequeue()).ToArray();
                foreach (var message in batch)
                {
                    _receives[message.MessageId] = _receives.GetValueOrDefault(message.MessageId) + 1;
                }

                var failed = await handle(batch);
                Assert.Subset(batch.Select(m => m.MessageId).ToHashSet(), failed);
                foreach (var message in batch)
                {
                    if (!failed.Contains(message.MessageId))
                    {
                        if (++_succeeded % duplicateEvery == 0 && _duplicated.Add(message.MessageId))
                        {
                            Duplicates++;
                            _visible.Enqueue(message);
                        }
                    }
                    else if (_receives[message.MessageId] >= maxReceiveCount)
                    {
                        DeadLetters.Add(message);
                    }
                    else
                    {
                        Redeliveries++;
                        _visible.Enqueue(message);
                    }
                }
            }
        }
    }
}
