using Onnx;

namespace Infra.Quantization;

/// <summary>
/// Rewrites that come before quantization: BatchNormalization folded into the Conv before it (one Conv instead of
/// a Conv and a normalization to quantize), and the default opset raised to 13, the first with per-channel
/// QuantizeLinear/DequantizeLinear, where every op in the graph means the same in both versions.
/// </summary>
internal static class GraphPreparation
{
    public const long QuantizationOpset = 13;

    /// <summary>Ops whose meaning did not change between their opset 7 version and opset 13 (attributes only added, with defaults).</summary>
    private static readonly HashSet<string> StableSinceOpset7 =
    [
        "Conv", "Relu", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Add", "Sub", "Mul", "Div",
        "MatMul", "Gemm", "Sigmoid", "Tanh", "Concat", "Reshape", "Transpose", "Identity", "Flatten", "Sum",
        "LeakyRelu", "Exp", "Sqrt", "Neg", "Abs",
    ];

    /// <summary>The lowest opset this tool accepts (Reshape with a shape input, opset-7 broadcasting).</summary>
    private const long MinimumOpset = 7;

    public static void Prepare(ModelProto model, string source)
    {
        FoldBatchNormalization(new GraphEditor(model.Graph));
        RaiseOpset(model, source);
    }

    private static void RaiseOpset(ModelProto model, string source)
    {
        var opset = OnnxModelFile.DefaultOpset(model);
        if (opset >= QuantizationOpset)
        {
            return;
        }

        var changed = model.Graph.Node.Where(n => n.Domain is "" or "ai.onnx" && !StableSinceOpset7.Contains(n.OpType))
            .Select(n => n.OpType).Distinct().ToList();
        if (opset < MinimumOpset || changed.Count > 0)
        {
            throw new QuantizationException(
                $"{source}: imports ONNX opset {opset}; quantization needs opset {QuantizationOpset} (per-channel DequantizeLinear), and the graph " +
                (opset < MinimumOpset ? $"is older than opset {MinimumOpset}" : $"has ops whose meaning changed before opset {QuantizationOpset}: {string.Join(", ", changed)}") +
                $"; convert the model to opset {QuantizationOpset} or later first");
        }

        foreach (var import in model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx"))
        {
            import.Version = QuantizationOpset;
        }

        model.IrVersion = Math.Max(model.IrVersion, 7); // opset 13 needs IR version 7
    }

    /// <summary>
    /// Conv → BatchNormalization becomes one Conv: W' = W·γ/√(σ²+ε) per output channel, b' = (b − μ)·γ/√(σ²+ε) + β.
    /// </summary>
    private static void FoldBatchNormalization(GraphEditor editor)
    {
        foreach (var norm in editor.Graph.Node.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            var conv = editor.Producer(norm.Input[0]);
            if (conv is null || conv.OpType != "Conv" || editor.Consumers(conv.Output[0]).Count != 1 || editor.IsGraphOutput(conv.Output[0])
                || norm.Output.Count != 1 || !norm.Input.Skip(1).All(editor.IsInitializer) || !editor.IsInitializer(conv.Input[1])
                || (conv.Input.Count > 2 && !editor.IsInitializer(conv.Input[2])))
            {
                continue; // not a foldable pair: left as it is (and then not quantized)
            }

            var gamma = Tensors.ReadFloats(editor.Initializer(norm.Input[1])!);
            var beta = Tensors.ReadFloats(editor.Initializer(norm.Input[2])!);
            var mean = Tensors.ReadFloats(editor.Initializer(norm.Input[3])!);
            var variance = Tensors.ReadFloats(editor.Initializer(norm.Input[4])!);
            var epsilon = GraphEditor.GetFloat(norm, "epsilon") ?? 1e-5f;
            var weightTensor = editor.Initializer(conv.Input[1])!;
            var weights = Tensors.ReadFloats(weightTensor);
            var channels = (int)weightTensor.Dims[0];
            var bias = conv.Input.Count > 2 && conv.Input[2].Length > 0 ? Tensors.ReadFloats(editor.Initializer(conv.Input[2])!) : new float[channels];
            if (gamma.Length != channels || beta.Length != channels || mean.Length != channels || variance.Length != channels)
            {
                continue;
            }

            var perChannel = weights.Length / channels;
            var foldedBias = new float[channels];
            for (var c = 0; c < channels; c++)
            {
                var factor = gamma[c] / MathF.Sqrt(variance[c] + epsilon);
                for (var i = 0; i < perChannel; i++)
                {
                    weights[c * perChannel + i] *= factor;
                }

                foldedBias[c] = (bias[c] - mean[c]) * factor + beta[c];
            }

            var weightName = editor.UniqueName(conv.Input[1] + "_folded");
            var biasName = editor.UniqueName(conv.Input[1] + "_folded_bias");
            editor.AddInitializer(Tensors.Floats(weightName, weights, [.. weightTensor.Dims]));
            editor.AddInitializer(Tensors.Floats(biasName, foldedBias, channels));
            conv.Input[1] = weightName;
            if (conv.Input.Count > 2)
            {
                conv.Input[2] = biasName;
            }
            else
            {
                conv.Input.Add(biasName);
            }

            conv.Output[0] = norm.Output[0];
            editor.Graph.Node.Remove(norm);
        }

        editor.Tidy();
    }
}
