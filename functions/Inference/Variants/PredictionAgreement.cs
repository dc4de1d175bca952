using System.Text.Json;

namespace Inference.Variants;

/// <summary>
/// How far a candidate's answer agrees with the primary's. Classifiers (<c>predictions</c>) compare their top-1 label;
/// embeddings and raw outputs (<c>embedding</c>, <c>output</c>, the first common tensor of <c>outputs</c>) their cosine
/// similarity; an <c>outputs</c> tensor of shape [1, C] is also compared by its top-1 index.
/// </summary>
public readonly record struct PredictionAgreement(bool? Top1Match, double? Cosine)
{
    public bool Comparable => Top1Match is not null || Cosine is not null;

    /// <summary>Compares two 200 answers; neither comparable when their shapes differ or either is not the API's JSON.</summary>
    public static PredictionAgreement Compare(ReadOnlyMemory<byte> primary, ReadOnlyMemory<byte> candidate)
    {
        try
        {
            using var a = JsonDocument.Parse(primary);
            using var b = JsonDocument.Parse(candidate);
            return Compare(a.RootElement, b.RootElement);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static PredictionAgreement Compare(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != JsonValueKind.Object || b.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        if (Array(a, "predictions") is { } pa && Array(b, "predictions") is { } pb)
        {
            return new(TopLabel(pa) is { } la && TopLabel(pb) is { } lb ? la == lb : null, null);
        }

        foreach (var name in (string[])["embedding", "output"])
        {
            if (Array(a, name) is { } ea && Array(b, name) is { } eb)
            {
                return new(null, CosineOf(Numbers(ea), Numbers(eb)));
            }
        }

        if (Array(a, "outputs") is { } oa && Array(b, "outputs") is { } ob && FirstCommonTensor(oa, ob) is ({ } ta, { } tb))
        {
            var (va, vb) = (Numbers(ta.GetProperty("data")), Numbers(tb.GetProperty("data")));
            var single = ta.TryGetProperty("shape", out var shape) && shape.GetArrayLength() == 2 && shape[0].TryGetInt64(out var rows) && rows == 1;
            return new(single && va.Length > 0 && va.Length == vb.Length ? ArgMax(va) == ArgMax(vb) : null, CosineOf(va, vb));
        }

        return default;
    }

    public static double? CosineOf(double[] a, double[] b)
    {
        if (a.Length == 0 || a.Length != b.Length)
        {
            return null;
        }

        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        if (na == 0 && nb == 0)
        {
            return 1; // two zero vectors are the same answer
        }

        return na == 0 || nb == 0 || !double.IsFinite(dot / Math.Sqrt(na * nb)) ? 0 : Math.Clamp(dot / Math.Sqrt(na * nb), -1, 1);
    }

    private static JsonElement? Array(JsonElement o, string name) =>
        o.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value : null;

    private static string? TopLabel(JsonElement predictions) =>
        predictions.GetArrayLength() > 0 && predictions[0].ValueKind == JsonValueKind.Object
        && predictions[0].TryGetProperty("label", out var label) && label.ValueKind == JsonValueKind.String ? label.GetString() : null;

    private static (JsonElement?, JsonElement?) FirstCommonTensor(JsonElement a, JsonElement b)
    {
        foreach (var ta in a.EnumerateArray())
        {
            if (ta.ValueKind != JsonValueKind.Object || !ta.TryGetProperty("name", out var name) || !ta.TryGetProperty("data", out _))
            {
                continue;
            }

            foreach (var tb in b.EnumerateArray())
            {
                if (tb.ValueKind == JsonValueKind.Object && tb.TryGetProperty("name", out var other) && other.ValueEquals(name.GetString())
                    && tb.TryGetProperty("data", out _))
                {
                    return (ta, tb);
                }
            }
        }

        return (null, null);
    }

    /// <summary>The numbers of a flat or nested array; a non-number (e.g. "NaN") makes the vector incomparable (empty).</summary>
    private static double[] Numbers(JsonElement array)
    {
        var values = new List<double>();
        return Flatten(array, values) ? [.. values] : [];
    }

    private static bool Flatten(JsonElement element, List<double> values)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            values.Add(element.GetDouble());
            return true;
        }

        return element.ValueKind == JsonValueKind.Array && element.EnumerateArray().All(e => Flatten(e, values));
    }

    private static int ArgMax(double[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
