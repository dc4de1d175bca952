using System.Text.Json.Nodes;
using CsCheck;

namespace Fuzzing;

/// <summary>
/// Structured-but-wrong JSON: a valid document with values swapped for other types, members removed,
/// the text cut short or one character changed. Parsers see input close to what they expect.
/// </summary>
internal static class JsonMutations
{
    private static readonly Gen<string> OddStrings = Gen.OneOf<string>(
        "", " ", "NaN", "Infinity", "-1", "1e400", "FP32", "null", "true", "{}", "[]", "../../etc/passwd",
        "$default", "%ZZ", "\u0000", "\uFFFD", new string('a', 5000), "{\"inputs\":[", "2.0", "GET", "POST");

    /// <summary>A value of any JSON type, often not the one the parser expects in that place.</summary>
    public static readonly Gen<JsonNode?> WrongValue = Gen.OneOf(
        Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i)),
        Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l)),
        Gen.OneOf<double>(0.5, -0.0, 1e39, -1e308, 1e-320, 9007199254740993.0).Select(d => (JsonNode?)JsonValue.Create(d)),
        Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.String.Select(s => (JsonNode?)JsonValue.Create(s)),
        OddStrings.Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Bool.Select(_ => (JsonNode?)null),
        Gen.Int.Array[0, 4].Select(items => (JsonNode?)new JsonArray([.. items.Select(i => (JsonNode?)JsonValue.Create(i))])),
        OddStrings.Select(s => (JsonNode?)new JsonObject { [s.Length > 0 ? s : "k"] = JsonValue.Create(s) }));

    /// <summary>One to three edits of <paramref name="validJson"/>, or the text cut short, or one character replaced.</summary>
    public static Gen<string> Mutate(string validJson) => Gen.Frequency(
        (6, Gen.Select(Gen.Int[0, int.MaxValue], WrongValue).Array[1, 3].Select(edits => Replace(validJson, edits))),
        (2, Gen.Int[0, int.MaxValue].Array[1, 3].Select(picks => Remove(validJson, picks))),
        (1, Gen.Int[0, validJson.Length - 1].Select(length => validJson[..length])),
        (1, Gen.Select(Gen.Int[0, validJson.Length - 1], Gen.Char, (at, c) => validJson.Remove(at, 1).Insert(at, c.ToString()))));

    private static string Replace(string json, (int Pick, JsonNode? Value)[] edits)
    {
        var root = JsonNode.Parse(json)!;
        foreach (var (pick, value) in edits)
        {
            var slots = Slots(root);
            var (parent, key, index) = slots[pick % slots.Count];
            var copy = value?.DeepClone();
            if (parent is JsonObject obj)
            {
                obj[key!] = copy;
            }
            else
            {
                parent.AsArray()[index] = copy;
            }
        }

        return root.ToJsonString();
    }

    private static string Remove(string json, int[] picks)
    {
        var root = JsonNode.Parse(json)!;
        foreach (var pick in picks)
        {
            var slots = Slots(root);
            if (slots.Count == 0)
            {
                break;
            }

            var (parent, key, index) = slots[pick % slots.Count];
            if (parent is JsonObject obj)
            {
                obj.Remove(key!);
            }
            else
            {
                parent.AsArray().RemoveAt(index);
            }
        }

        return root.ToJsonString();
    }

    /// <summary>Every member and array element of the document, in document order.</summary>
    private static List<(JsonNode Parent, string? Key, int Index)> Slots(JsonNode root)
    {
        var slots = new List<(JsonNode, string?, int)>();
        var pending = new Stack<JsonNode>([root]);
        while (pending.TryPop(out var node))
        {
            if (node is JsonObject obj)
            {
                foreach (var (key, child) in obj)
                {
                    slots.Add((obj, key, -1));
                    if (child is not null)
                    {
                        pending.Push(child);
                    }
                }
            }
            else if (node is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    slots.Add((array, null, i));
                    if (array[i] is { } child)
                    {
                        pending.Push(child);
                    }
                }
            }
        }

        return slots;
    }
}
