using Inference.Variants;

namespace Inference.Tests.Variants;

public sealed class VariantAssignerTests
{
    private static Dictionary<string, string> Key(string value) => new(StringComparer.OrdinalIgnoreCase) { ["X-Api-Key"] = value };

    [Fact]
    public void A_sticky_client_sees_the_same_variant_on_every_instance()
    {
        var keys = Enumerable.Range(0, 500).Select(i => $"key-{i:D4}-{i * 7919}").ToArray();
        var first = new VariantAssigner([50, 50], "x-api-key", () => throw new InvalidOperationException("a sticky pick never draws"));
        var second = new VariantAssigner([50, 50], "x-api-key", () => throw new InvalidOperationException("a sticky pick never draws"));

        var picks = keys.Select(k => first.Assign(Key(k))).ToArray();

        Assert.All(picks, p => Assert.True(p.Sticky));
        Assert.Equal(picks.Select(p => p.Index), keys.Select(k => second.Assign(Key(k)).Index));
        Assert.Equal(picks.Select(p => p.Index), keys.Select(k => first.Assign(Key(k)).Index));
        Assert.Contains(0, picks.Select(p => p.Index));
        Assert.Contains(1, picks.Select(p => p.Index));
    }

    [Fact]
    public void The_hash_is_fixed_so_assignments_survive_a_new_build()
    {
        // SHA-256("acme-key")'s first 53 bits as a fraction; a change here would move every sticky client.
        Assert.Equal(0.6862284665595108, VariantAssigner.StablePoint("acme-key"), 12);
    }

    [Theory]
    [InlineData(90, 10)]
    [InlineData(50, 50)]
    [InlineData(5, 95)]
    public void Sticky_keys_split_by_the_weights_within_tolerance(int a, int b)
    {
        var assigner = new VariantAssigner([a, b], "x-api-key", () => 0);
        const int Clients = 20_000;

        var toB = Enumerable.Range(0, Clients).Count(i => assigner.Assign(Key($"client-{i}")).Index == 1);

        // Binomial standard deviation at 20,000 draws is at most 0.35 percentage points; 1.5 points is over 4 of them.
        Assert.InRange(toB * 100.0 / Clients, b - 1.5, b + 1.5);
    }

    [Fact]
    public void Requests_without_the_header_draw_at_random_by_the_weights()
    {
        var random = new Random(42);
        var assigner = new VariantAssigner([80, 0, 20], "x-api-key", random.NextDouble);
        var empty = new Dictionary<string, string>();

        var picks = Enumerable.Range(0, 20_000).Select(_ => assigner.Assign(empty)).ToArray();

        Assert.All(picks, p => Assert.False(p.Sticky));
        Assert.DoesNotContain(1, picks.Select(p => p.Index)); // weight 0 never serves
        Assert.InRange(picks.Count(p => p.Index == 2) * 100.0 / picks.Length, 18.5, 21.5);
    }

    [Fact]
    public void Raising_the_later_variants_weight_only_moves_clients_towards_it()
    {
        var keys = Enumerable.Range(0, 5_000).Select(i => $"c{i}").ToArray();
        var steps = new[] { 5, 25, 50, 100 }.Select(share => new VariantAssigner([100 - share, share], "x-api-key", () => 0)).ToArray();

        for (var s = 1; s < steps.Length; s++)
        {
            foreach (var key in keys)
            {
                if (steps[s - 1].Assign(Key(key)).Index == 1)
                {
                    Assert.Equal(1, steps[s].Assign(Key(key)).Index);
                }
            }
        }
    }

    [Fact]
    public void Weights_that_do_not_add_up_to_100_are_refused() =>
        Assert.Throws<ArgumentException>(() => new VariantAssigner([50, 40], null, Random.Shared.NextDouble));
}
