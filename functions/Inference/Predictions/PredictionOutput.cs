using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace Inference.Predictions;

/// <summary>A classification's label and score as logged; a non-finite score keeps its JSON spelling ("NaN").</summary>
public sealed record LabelScore(string Label, double? Score, string? NonFiniteScore);

/// <summary>
/// What the predictions log keeps of an answer: a classification's top-k labels and scores, or for anything else
/// (an embedding, a raw output, /infer tensors) only <c>sha256:&lt;hex&gt;</c> of that value's JSON text as sent;
/// and the answer's <c>id</c>, which the prediction is logged (and takes feedback) under.
/// </summary>
public sealed record PredictionOutput(IReadOnlyList<LabelScore>? TopK, string? OutputSha256, string? AnswerId = null)
{
    private static readonly string[] HashedProperties = ["embedding", "output", "outputs"];

    /// <summary>Reads a successful /predict or /infer response body.</summary>
    public static PredictionOutput FromResponseBody(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var id = root.TryGetProperty("id", out var idValue) ? idValue.GetString() : null;
        if (root.TryGetProperty("predictions", out var predictions))
        {
            return new PredictionOutput([.. predictions.EnumerateArray().Select(ReadLabelScore)], null, id);
        }

        foreach (var name in HashedProperties)
        {
            if (root.TryGetProperty(name, out var value))
            {
                return new PredictionOutput(null, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(JsonMarshal.GetRawUtf8Value(value))), id);
            }
        }

        throw new ArgumentException($"The response has none of: predictions, {string.Join(", ", HashedProperties)}.", nameof(body));
    }

    private static LabelScore ReadLabelScore(JsonElement prediction)
    {
        var label = prediction.GetProperty("label").GetString()!;
        var score = prediction.GetProperty("score");
        return score.ValueKind == JsonValueKind.Number
            ? new LabelScore(label, score.GetDouble(), null)
            : new LabelScore(label, null, score.GetString());
    }
}
