using InferenceFunction.Events;

namespace InferenceFunction.Tests;

/// <summary>
/// SQS as the event source mapping sees it: batches in order, a failed message comes back until it was received
/// <c>maxReceiveCount</c> times and then goes to the dead-letter queue; every <c>duplicateEvery</c>-th message that
/// succeeded is delivered once more, as standard queues may (at-least-once delivery).
/// </summary>
internal sealed class SimulatedQueue(IEnumerable<SqsMessage> messages, int maxReceiveCount, int duplicateEvery)
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
