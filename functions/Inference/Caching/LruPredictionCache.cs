namespace Inference.Caching;

/// <summary>
/// The in-function cache: least recently used entries go first once either the entry count or the byte total
/// (keys and bodies) would exceed its bound. A dictionary plus a linked list under one lock: O(1) per call.
/// </summary>
public sealed class LruPredictionCache
{
    /// <summary>Bookkeeping per entry (list node, dictionary slot, record), counted against the byte bound.</summary>
    public const int EntryOverheadBytes = 128;

    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private readonly Dictionary<string, LinkedListNode<Entry>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private readonly Lock _lock = new();
    private long _bytes;

    public LruPredictionCache(int maxEntries, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        _maxEntries = maxEntries;
        _maxBytes = maxBytes;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _index.Count;
            }
        }
    }

    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    public bool TryGet(string key, out CachedPrediction value)
    {
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = null!;
        return false;
    }

    /// <summary>Stores or replaces the entry; one larger than the whole byte bound is not stored.</summary>
    public void Set(string key, CachedPrediction value)
    {
        var size = SizeOf(key, value);
        if (size > _maxBytes)
        {
            return;
        }

        lock (_lock)
        {
            if (_index.Remove(key, out var existing))
            {
                Unlink(existing);
            }

            while (_index.Count >= _maxEntries || _bytes + size > _maxBytes)
            {
                var oldest = _recency.Last!;
                _index.Remove(oldest.Value.Key);
                Unlink(oldest);
            }

            _index[key] = _recency.AddFirst(new Entry(key, value, size));
            _bytes += size;
        }
    }

    public static long SizeOf(string key, CachedPrediction value) => EntryOverheadBytes + key.Length * sizeof(char) + value.Body.Length;

    private void Unlink(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _bytes -= node.Value.Size;
    }

    private sealed record Entry(string Key, CachedPrediction Value, long Size);
}
