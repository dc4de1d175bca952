namespace Inference.Feedback;

/// <summary>
/// Top-1 accuracy per model version over the last <c>size</c> judged feedbacks this instance received (a sliding
/// window): each new outcome pushes the oldest out. Thread-safe.
/// </summary>
public sealed class AccuracyWindow(int size, int minimumSamples)
{
    private readonly Dictionary<string, Ring> _rings = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public int Size { get; } = size;

    public int MinimumSamples { get; } = minimumSamples;

    /// <returns>The window's accuracy in percent once it holds at least the minimum samples (else null), and how many it holds.</returns>
    public (double? AccuracyPercent, int Samples) Add(string model, string version, bool correct)
    {
        lock (_lock)
        {
            var key = $"{model}@{version}";
            if (!_rings.TryGetValue(key, out var ring))
            {
                _rings[key] = ring = new Ring(Size);
            }

            ring.Add(correct);
            return (ring.Count >= MinimumSamples ? 100.0 * ring.Correct / ring.Count : null, ring.Count);
        }
    }

    private sealed class Ring(int size)
    {
        private readonly bool[] _outcomes = new bool[size];
        private int _next;

        public int Count { get; private set; }

        public int Correct { get; private set; }

        public void Add(bool correct)
        {
            if (Count == _outcomes.Length)
            {
                Correct -= _outcomes[_next] ? 1 : 0;
            }
            else
            {
                Count++;
            }

            _outcomes[_next] = correct;
            Correct += correct ? 1 : 0;
            _next = (_next + 1) % _outcomes.Length;
        }
    }
}
