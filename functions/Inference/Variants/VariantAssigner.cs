using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Inference.Protocol;

namespace Inference.Variants;

/// <summary>
/// Picks the variant of a request by the weights. With a sticky header, the pick is a pure function of the header's
/// value: its SHA-256 gives a point in [0, 1), and the weights, in their configured order, divide [0, 1) into ranges.
/// The same client therefore sees the same variant in every process and after every restart; moving weight from the
/// first variant to a later one only moves the clients whose point falls in the range that changed hands.
/// Requests without the header (and every request when there is no sticky header) draw at random.
/// </summary>
public sealed class VariantAssigner
{
    private readonly int[] _cumulative;
    private readonly string? _stickyHeader;
    private readonly Func<double> _random;

    public VariantAssigner(IReadOnlyList<int> weights, string? stickyHeader, Func<double> random)
    {
        _cumulative = new int[weights.Count];
        var sum = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            _cumulative[i] = sum += weights[i];
        }

        if (sum != 100)
        {
            throw new ArgumentException($"The weights add up to {sum}; they must add up to 100.", nameof(weights));
        }

        _stickyHeader = stickyHeader;
        _random = random;
    }

    /// <returns>The chosen variant's index, and whether the choice came from the sticky header.</returns>
    public (int Index, bool Sticky) Assign(IReadOnlyDictionary<string, string> headers)
    {
        if (_stickyHeader is not null && RequestHeaders.Get(headers, _stickyHeader) is { Length: > 0 } value)
        {
            return (IndexAt(StablePoint(value)), true);
        }

        return (IndexAt(_random()), false);
    }

    /// <summary>A point in [0, 1) that depends only on the value: the first 8 bytes of its SHA-256, as a fraction of 2^64.</summary>
    public static double StablePoint(string value)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }

    private int IndexAt(double point)
    {
        // Both sources give points below 1, so the loop always ends at a variant with weight; the clamp keeps it so for any source.
        var percent = Math.Clamp(point, 0, Math.BitDecrement(1.0)) * 100;
        var index = 0;
        while (percent >= _cumulative[index])
        {
            index++;
        }

        return index;
    }
}
