using System.Globalization;
using System.Text.Json;

namespace Inference.Ensembles;

/// <summary>One output tensor of a member's /infer answer, with its values widened to double.</summary>
public sealed record AnswerTensor(string Name, string Datatype, long[] Shape, double[] Data);

/// <summary>One class of a member's /predict answer.</summary>
public sealed record AnswerClass(string Label, int Index, double Score);

/// <summary>
/// What a member answered, in the shapes the function's own answers have: /infer <c>outputs</c>, or /predict
/// <c>predictions</c> (classification), <c>embedding</c> or <c>output</c> (raw first output).
/// </summary>
public abstract record MemberAnswer
{
    private MemberAnswer()
    {
    }

    public sealed record Tensors(IReadOnlyList<AnswerTensor> Outputs) : MemberAnswer;

    public sealed record Classes(IReadOnlyList<AnswerClass> Predictions) : MemberAnswer;

    /// <param name="Field"><c>embedding</c> or <c>output</c>.</param>
    public sealed record Vector(string Field, double[] Values) : MemberAnswer;

    /// <summary>Reads a 200 answer body of the function, with its <c>model_version</c> and <c>id</c>; throws <see cref="FormatException"/>
    /// or <see cref="JsonException"/> for anything else.</summary>
    public static MemberAnswer Parse(ReadOnlyMemory<byte> body, out string? modelVersion, out string? id)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        modelVersion = root.TryGetProperty("model_version", out var version) ? version.GetString() : null;
        id = root.TryGetProperty("id", out var idElement) ? idElement.GetString() : null;
        if (root.TryGetProperty("outputs", out var outputs))
        {
            return new Tensors([.. outputs.EnumerateArray().Select(ReadTensor)]);
        }

        if (root.TryGetProperty("predictions", out var predictions))
        {
            return new Classes([.. predictions.EnumerateArray().Select(p => new AnswerClass(
                p.GetProperty("label").GetString() ?? "",
                p.GetProperty("index").GetInt32(),
                Number(p.GetProperty("score"))))]);
        }

        foreach (var field in new[] { "embedding", "output" })
        {
            if (root.TryGetProperty(field, out var vector))
            {
                return new Vector(field, [.. vector.EnumerateArray().Select(Number)]);
            }
        }

        throw new FormatException("the answer has none of outputs, predictions, embedding or output");
    }

    private static AnswerTensor ReadTensor(JsonElement tensor)
    {
        var data = new List<double>();
        Flatten(tensor.GetProperty("data"), data);
        return new AnswerTensor(
            tensor.GetProperty("name").GetString() ?? "",
            tensor.GetProperty("datatype").GetString() ?? "",
            [.. tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())],
            [.. data]);
    }

    private static void Flatten(JsonElement element, List<double> into)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Flatten(item, into);
            }
        }
        else
        {
            into.Add(Number(element));
        }
    }

    /// <summary>A number, or one of the strings the function writes for non-finite values.</summary>
    private static double Number(JsonElement element) => element.ValueKind == JsonValueKind.String
        ? double.Parse(element.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
        : element.GetDouble();
}
