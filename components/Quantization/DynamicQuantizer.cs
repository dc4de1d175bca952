using Onnx;

namespace Infra.Quantization;

/// <summary>
/// Dynamic quantization of MatMul and Gemm with constant weights: the weights are stored as int8 per output column,
/// and each run quantizes the activation to uint8 with its own range (DynamicQuantizeLinear), multiplies in integers
/// (MatMulInteger) and rescales to float. ONNX Runtime fuses this into one MatMulIntegerToFloat kernel. No calibration.
/// </summary>
internal sealed class DynamicQuantizer(GraphEditor editor, int weightMaxLevel)
{
    public int QuantizedNodeCount { get; private set; }

    /// <summary>Gemm that is a plain Y = A·B (+ C): alpha 1, beta 1, A not transposed, B and C constant and B 2-D.</summary>
    public static bool IsPlainGemm(GraphEditor editor, NodeProto node) =>
        node.OpType == "Gemm"
        && (GraphEditor.GetFloat(node, "alpha") ?? 1f) == 1f
        && (GraphEditor.GetFloat(node, "beta") ?? 1f) == 1f
        && (GraphEditor.GetInt(node, "transA") ?? 0) == 0
        && editor.IsInitializer(node.Input[1]) && editor.Initializer(node.Input[1])!.Dims.Count == 2
        && (node.Input.Count < 3 || node.Input[2].Length == 0 || editor.IsInitializer(node.Input[2]));

    public static bool CanQuantize(GraphEditor editor, NodeProto node) =>
        node.OpType switch
        {
            "MatMul" => editor.IsInitializer(node.Input[1]) && editor.Initializer(node.Input[1])!.Dims.Count == 2
                && Tensors.IsFloat(editor.Initializer(node.Input[1])!) && !editor.IsInitializer(node.Input[0]),
            "Gemm" => IsPlainGemm(editor, node) && Tensors.IsFloat(editor.Initializer(node.Input[1])!) && !editor.IsInitializer(node.Input[0]),
            _ => false,
        };

    public void Quantize()
    {
        var nodes = editor.Graph.Node.Where(n => CanQuantize(editor, n)).ToList();
        if (nodes.Count == 0)
        {
            throw new QuantizationException(
                "dynamic quantization found no MatMul or Gemm with constant 2-D float weights; the graph has: " +
                string.Join(", ", editor.Graph.Node.Select(n => n.OpType).Distinct()) +
                (editor.Graph.Node.Any(n => n.OpType == "Conv") ? "; for a convolutional model use --method static with calibration images" : ""));
        }

        foreach (var node in nodes)
        {
            Rewrite(node);
        }

        QuantizedNodeCount = nodes.Count;
        editor.Tidy();
    }

    private void Rewrite(NodeProto node)
    {
        var weightTensor = editor.Initializer(node.Input[1])!;
        var weights = Tensors.ReadFloats(weightTensor);
        long rows = weightTensor.Dims[0], columns = weightTensor.Dims[1];
        if (node.OpType == "Gemm" && (GraphEditor.GetInt(node, "transB") ?? 0) == 1)
        {
            weights = Transpose(weights, (int)rows, (int)columns);
            (rows, columns) = (columns, rows);
        }

        // B is [K, N]: one scale per output column N.
        var (values, scales) = WeightQuantizer.Quantize(weights, (int)columns, i => (int)(i % columns), weightMaxLevel);
        var stem = node.Output[0];
        var weightName = editor.UniqueName(node.Input[1] + "_int8");
        var weightZero = editor.UniqueName(node.Input[1] + "_zero_point");
        var weightScale = editor.UniqueName(node.Input[1] + "_scale");
        editor.AddInitializer(Tensors.Int8(weightName, values, rows, columns));
        editor.AddInitializer(Tensors.Int8(weightZero, new sbyte[columns], columns));
        editor.AddInitializer(Tensors.Floats(weightScale, scales, columns));

        string input = node.Input[0], quantized = editor.UniqueName(stem + "_input_uint8"), inputScale = editor.UniqueName(stem + "_input_scale"),
            inputZero = editor.UniqueName(stem + "_input_zero_point"), product = editor.UniqueName(stem + "_int32"),
            productFloat = editor.UniqueName(stem + "_float"), combinedScale = editor.UniqueName(stem + "_scale");
        var bias = node.OpType == "Gemm" && node.Input.Count > 2 && node.Input[2].Length > 0 ? node.Input[2] : null;
        var scaled = bias is null ? stem : editor.UniqueName(stem + "_scaled");

        var cast = GraphEditor.Node("Cast", editor.UniqueName(stem + "_Cast"), [product], [productFloat]);
        cast.Attribute.Add(GraphEditor.IntAttribute("to", (long)TensorProto.Types.DataType.Float));
        List<NodeProto> replacement =
        [
            GraphEditor.Node("DynamicQuantizeLinear", editor.UniqueName(stem + "_DynamicQuantizeLinear"), [input], [quantized, inputScale, inputZero]),
            GraphEditor.Node("MatMulInteger", editor.UniqueName(stem + "_MatMulInteger"), [quantized, weightName, inputZero, weightZero], [product]),
            cast,
            GraphEditor.Node("Mul", editor.UniqueName(stem + "_ScaleMul"), [inputScale, weightScale], [combinedScale]),
            GraphEditor.Node("Mul", editor.UniqueName(stem + "_Rescale"), [productFloat, combinedScale], [scaled]),
        ];
        if (bias is not null)
        {
            replacement.Add(GraphEditor.Node("Add", editor.UniqueName(stem + "_Bias"), [scaled, bias], [stem]));
        }

        var index = editor.Graph.Node.IndexOf(node);
        editor.Graph.Node.RemoveAt(index);
        foreach (var added in Enumerable.Reverse(replacement))
        {
            editor.Graph.Node.Insert(index, added);
        }
    }

    private static float[] Transpose(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                result[c * rows + r] = values[r * columns + c];
            }
        }

        return result;
    }
}
