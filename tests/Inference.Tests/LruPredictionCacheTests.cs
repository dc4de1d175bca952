using Inference.Caching;

namespace Inference.Tests;

public sealed class LruPredictionCacheTests
{
    private static CachedPrediction Answer(int bodyBytes, byte fill = 1) => new(Enumerable.Repeat(fill, bodyBytes).ToArray(), "application/json");

    private static long Size(string key, int bodyBytes) => LruPredictionCache.SizeOf(key, Answer(bodyBytes));

    [Fact]
    public void The_least_recently_used_entry_goes_first_when_the_count_is_reached()
    {
        var cache = new LruPredictionCache(maxEntries: 3, maxBytes: 1 << 20);
        cache.Set("a", Answer(10));
        cache.Set("b", Answer(10));
        cache.Set("c", Answer(10));
        Assert.True(cache.TryGet("a", out _)); // a is now the most recent; b the least

        cache.Set("d", Answer(10));

        Assert.Equal(3, cache.Count);
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("a", out _));
        Assert.True(cache.TryGet("c", out _));
        Assert.True(cache.TryGet("d", out _));
    }

    [Fact]
    public void Entries_are_evicted_until_the_byte_total_fits()
    {
        var maxBytes = Size("a", 1000) * 3;
        var cache = new LruPredictionCache(maxEntries: 100, maxBytes);
        cache.Set("a", Answer(1000));
        cache.Set("b", Answer(1000));
        cache.Set("c", Answer(1000));
        Assert.Equal(maxBytes, cache.Bytes);

        cache.Set("d", Answer(2000)); // needs the room of two old entries

        Assert.Equal(2, cache.Count);
        Assert.False(cache.TryGet("a", out _));
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("c", out _));
        Assert.True(cache.TryGet("d", out _));
        Assert.Equal(Size("c", 1000) + Size("d", 2000), cache.Bytes);
    }

    [Fact]
    public void An_entry_larger_than_the_whole_bound_is_not_stored_and_evicts_nothing()
    {
        var cache = new LruPredictionCache(maxEntries: 10, maxBytes: 4096);
        cache.Set("small", Answer(100));

        cache.Set("huge", Answer(5000));

        Assert.False(cache.TryGet("huge", out _));
        Assert.True(cache.TryGet("small", out _));
    }

    [Fact]
    public void Replacing_a_key_keeps_one_entry_and_counts_its_new_size()
    {
        var cache = new LruPredictionCache(maxEntries: 10, maxBytes: 1 << 20);
        cache.Set("k", Answer(100, fill: 1));

        cache.Set("k", Answer(300, fill: 2));

        Assert.Equal(1, cache.Count);
        Assert.Equal(Size("k", 300), cache.Bytes);
        Assert.True(cache.TryGet("k", out var value));
        Assert.Equal(2, value.Body.Span[0]);
    }

    [Fact]
    public async Task Concurrent_readers_and_writers_keep_the_bounds_and_the_byte_total_exact()
    {
        const int maxEntries = 50;
        var maxBytes = Size("key-000", 500) * 40;
        var cache = new LruPredictionCache(maxEntries, maxBytes);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            var random = new Random(worker);
            for (var i = 0; i < 20_000; i++)
            {
                var key = $"key-{random.Next(200):000}";
                if (random.Next(2) == 0)
                {
                    cache.Set(key, Answer(100 + random.Next(400), (byte)worker));
                }
                else if (cache.TryGet(key, out var value))
                {
                    Assert.InRange(value.Body.Length, 100, 499);
                }
            }
        })));

        Assert.InRange(cache.Count, 1, maxEntries);
        Assert.InRange(cache.Bytes, 1, maxBytes);
        var expected = Enumerable.Range(0, 200).Select(i => $"key-{i:000}")
            .Sum(key => cache.TryGet(key, out var value) ? LruPredictionCache.SizeOf(key, value) : 0);
        Assert.Equal(expected, cache.Bytes);
    }
}
