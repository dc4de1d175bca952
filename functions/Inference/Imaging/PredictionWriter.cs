using System.Text.Json;
using Inference.Contracts;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Inference.Imaging;

/// <summary>Turns the model's output into the /predict response (without its id): top-k labels with scores, or an embedding.</summary>
public static class PredictionWriter
{
    public static ReadOnlyMemory<byte> Write(ModelDefinition model, OrtValue output)
    {
        var post = model.Config.Postprocessing;
        var values = ReadAsFloats(output);
        return Protocol.JsonBody.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("model_name", model.Name);
            writer.WriteString("model_version", model.Version);
            switch (post?.Type)
            {
                case "classification":
                    WriteClassification(writer, values, post, model.Labels);
                    break;
                case "embedding":
                    WriteEmbedding(writer, values, post.L2Normalize);
                    break;
                default:
                    WriteEmbedding(writer, values, normalize: false, name: "output");
                    break;
            }

            writer.WriteEndObject();
        }, 64 + values.Length * 14);
    }

    private static float[] ReadAsFloats(OrtValue output) =>
        output.GetTensorTypeAndShape().ElementDataType == TensorElementType.Double
            ? [.. output.GetTensorDataAsSpan<double>().ToArray().Select(v => (float)v)]
            : output.GetTensorDataAsSpan<float>().ToArray();

    private static void WriteClassification(Utf8JsonWriter writer, float[] scores, PostprocessingConfig post, IReadOnlyList<string> labels)
    {
        if (scores.Length != labels.Count)
        {
            throw new InvalidOperationException(
                $"The model produced {scores.Length} scores for one image but model.json has {labels.Count} labels.");
        }

        if (post.Softmax)
        {
            Softmax(scores);
        }

        var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(post.TopK);
        writer.WriteStartArray("predictions");
        foreach (var index in order)
        {
            writer.WriteStartObject();
            writer.WriteString("label", labels[index]);
            writer.WriteNumber("index", index);
            writer.WritePropertyName("score");
            Protocol.JsonBody.WriteFloat(writer, scores[index]);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteEmbedding(Utf8JsonWriter writer, float[] values, bool normalize, string name = "embedding")
    {
        if (normalize)
        {
            L2Normalize(values);
        }

        writer.WriteStartArray(name);
        foreach (var v in values)
        {
            Protocol.JsonBody.WriteFloat(writer, v);
        }

        writer.WriteEndArray();
    }

    internal static void Softmax(Span<float> values)
    {
        var max = float.NegativeInfinity;
        foreach (var v in values)
        {
            max = Math.Max(max, v);
        }

        var sum = 0f;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Exp(values[i] - max); // shifted by the max so large logits cannot overflow
            sum += values[i];
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] /= sum;
        }
    }

    internal static void L2Normalize(Span<float> values)
    {
        var sumOfSquares = 0d;
        foreach (var v in values)
        {
            sumOfSquares += (double)v * v;
        }

        var norm = (float)Math.Sqrt(sumOfSquares);
        if (norm > 0)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] /= norm;
            }
        }
    }
}
