using System.Globalization;
using static TestModels.OnnxModelWriter;

namespace TestModels;

/// <summary>
/// Tiny ONNX models with known answers for the router and ensemble tests, all with the same signature: input <c>x</c>
/// f32[N,3,4,4], output <c>y</c> f32[N,3] = gain × (the per-channel means of x) + bias. With gain 0 the answer is the bias
/// whatever the input, so an ensemble's combination can be worked out by hand.
/// </summary>
internal static class EnsembleModels
{
    /// <param name="slowMatMuls">Adds that many 1000×1000 matrix products (about 2 GFLOP each) that depend on the input,
    /// so that the model is slow for real but still answers exactly the same (the products are all zeros).</param>
    public static byte[] Linear(float[] bias, float gain = 0, int slowMatMuls = 0)
    {
        var graph = new Message()
            .Add(1, Node("ReduceMean", ["x"], ["means"], Attribute("axes", [2, 3]), Attribute("keepdims", 0)))
            .Add(1, Node("Mul", ["means", "gain"], ["scaled"]))
            .Add(1, Node("Add", ["scaled", "bias"], slowMatMuls == 0 ? ["y"] : ["fast"]));
        if (slowMatMuls > 0)
        {
            // zero = 0 × mean(x), expanded to a 1000×1000 matrix and multiplied by itself again and again; y = fast + sum(product) = fast.
            graph.Add(1, NamedNode("all", "ReduceMean", ["x"], ["all"], Attribute("keepdims", 0)))
                .Add(1, NamedNode("nothing", "Mul", ["all", "zero"], ["nothing"]))
                .Add(1, Node("Expand", ["nothing", "square"], ["m0"]));
            for (var i = 1; i <= slowMatMuls; i++)
            {
                graph.Add(1, NamedNode($"m{i}", "MatMul", [$"m{i - 1}", "m0"], [$"m{i}"]));
            }

            graph.Add(1, Node("ReduceSum", [$"m{slowMatMuls}"], ["total"], Attribute("keepdims", 0)))
                .Add(1, NamedNode("y", "Add", ["fast", "total"], ["y"]))
                .Add(5, FloatTensor("zero", [], 0f))
                .Add(5, new Message().Varint(1, 2).Varint(2, OnnxModelWriter.Int64).Varint(7, 1000).Varint(7, 1000).Add(8, "square"));
        }

        graph.Add(2, "ensemble-member")
            .Add(5, FloatTensor("gain", [], gain))
            .Add(5, FloatTensor("bias", [3], bias))
            .Add(11, Value("x", "N", 3, 4, 4))
            .Add(12, Value("y", "N", 3));
        return new Message()
            .Varint(1, 8)
            .Add(2, "ensemble-tests")
            .Add(7, graph)
            .Add(8, new Message().Add(1, "").Varint(2, 13))
            .ToArray();
    }

    /// <summary>
    /// Writes <paramref name="onnx"/> and its model.json into <c>{root}/{name}/</c>: /predict takes any image (resized to 4×4,
    /// pixels scaled to 0–1); <paramref name="postprocessing"/> is <c>classification</c> (labels a, b, c, scores as they are),
    /// <c>embedding</c> (not normalized) or null (the raw output).
    /// </summary>
    public static string Write(string root, string name, byte[] onnx, string? postprocessing)
    {
        var folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), onnx);
        var post = postprocessing switch
        {
            "classification" => """, "postprocessing":{"type":"classification","softmax":false,"topK":3}, "labels":["a","b","c"]""",
            "embedding" => """, "postprocessing":{"type":"embedding","l2Normalize":false}""",
            _ => "",
        };
        File.WriteAllText(Path.Combine(folder, "model.json"), $$"""
            {"name":"{{name}}","version":"1.0.0","file":"model.onnx",
             "inputs":[{"name":"x","datatype":"FP32","shape":[-1,3,4,4]}],
             "outputs":[{"name":"y","datatype":"FP32","shape":[-1,3]}],
             "preprocessing":{"resize":{"width":4,"height":4},"layout":"NCHW","channelOrder":"RGB","scale":0.00392156863}{{post}}}
            """);
        return folder;
    }

    /// <summary>An /infer body for these models: one 3×4×4 input whose channels hold the given constant values.</summary>
    public static string InferBody(float red, float green, float blue, string? parametersJson = null)
    {
        var values = new[] { red, green, blue }.SelectMany(v => Enumerable.Repeat(v.ToString(CultureInfo.InvariantCulture), 16));
        var parameters = parametersJson is null ? "" : $"\"parameters\":{parametersJson},";
        return $$"""{"id":"ens-1",{{parameters}}"inputs":[{"name":"x","shape":[1,3,4,4],"datatype":"FP32","data":[{{string.Join(",", values)}}]}]}""";
    }

    private static Message FloatTensor(string name, long[] dims, params float[] values)
    {
        var tensor = new Message();
        foreach (var dim in dims)
        {
            tensor.Varint(1, dim);
        }

        return tensor.Varint(2, Float).Add(4, PackedFloats(values)).Add(8, name);
    }
}
