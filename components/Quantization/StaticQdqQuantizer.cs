using Onnx;

namespace Infra.Quantization;

/// <summary>
/// Static quantization in the QDQ format: each activation that a quantized op reads or writes gets a
/// QuantizeLinear → DequantizeLinear pair with its calibrated uint8 scale, and weights are stored as int8 behind a
/// DequantizeLinear (per output channel for Conv). ONNX Runtime fuses DQ → op → Q into integer kernels (QLinearConv,
/// QLinearAdd, ...) when it loads the model; any other runtime still reads a valid float graph.
/// </summary>
internal sealed class StaticQdqQuantizer(GraphEditor editor, IReadOnlyDictionary<string, TensorRange> ranges, int weightMaxLevel)
{
    /// <summary>Ops with integer kernels in ONNX Runtime's QDQ fusions.</summary>
    public static readonly HashSet<string> QuantizedOps = ["Conv", "MatMul", "Gemm", "Add", "MaxPool", "AveragePool", "GlobalAveragePool"];

    /// <summary>Ops that only pick or move values: their output reuses the input's scale, so ONNX Runtime drops the Q/DQ around them.</summary>
    private static readonly HashSet<string> SameScaleOps = ["MaxPool"];

    private readonly Dictionary<string, ActivationScale> _scales = new(StringComparer.Ordinal);

    /// <summary>Every float tensor whose range calibration must measure: what quantized ops and ReLUs read and write.</summary>
    public static IReadOnlyList<string> TensorsToCalibrate(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return [.. graph.Node.Where(n => QuantizedOps.Contains(n.OpType) || n.OpType == "Relu")
            .SelectMany(n => n.Input.Concat(n.Output))
            .Where(t => t.Length > 0 && !initializers.Contains(t))
            .Distinct()];
    }

    public int QuantizedNodeCount { get; private set; }

    public void Quantize()
    {
        RemoveRelusAfterQuantizedOps();
        var nodes = editor.Graph.Node.Where(IsQuantizable).ToList();
        if (nodes.Count == 0)
        {
            throw new QuantizationException(
                "static quantization found no op it can quantize (Conv with constant weights, MatMul/Gemm with constant weights, Add, pooling); " +
                "the graph has: " + string.Join(", ", editor.Graph.Node.Select(n => n.OpType).Distinct()));
        }

        foreach (var node in nodes)
        {
            foreach (var input in ActivationInputs(node))
            {
                ScaleOf(input);
            }

            if (SameScaleOps.Contains(node.OpType))
            {
                _scales.TryAdd(node.Output[0], ScaleOf(node.Input[0]));
            }
            else if (!editor.IsGraphOutput(node.Output[0]))
            {
                ScaleOf(node.Output[0]);
            }
        }

        foreach (var (tensor, scale) in _scales.ToList())
        {
            InsertQdq(tensor, scale);
        }

        foreach (var node in nodes.Where(n => n.OpType is "Conv" or "Gemm" or "MatMul"))
        {
            QuantizeWeights(node);
        }

        QuantizedNodeCount = nodes.Count;
        editor.Tidy();
    }

    private bool IsQuantizable(NodeProto node) => node.OpType switch
    {
        "Conv" => editor.IsInitializer(node.Input[1]) && (node.Input.Count < 3 || node.Input[2].Length == 0 || editor.IsInitializer(node.Input[2])),
        "MatMul" => editor.IsInitializer(node.Input[1]) && editor.Initializer(node.Input[1])!.Dims.Count == 2,
        "Gemm" => DynamicQuantizer.IsPlainGemm(editor, node),
        _ => QuantizedOps.Contains(node.OpType),
    } && ActivationInputs(node).All(ranges.ContainsKey);

    private IEnumerable<string> ActivationInputs(NodeProto node) =>
        node.OpType is "Conv" or "MatMul" or "Gemm" ? [node.Input[0]] : node.Input.Where(i => i.Length > 0 && !editor.IsInitializer(i));

    /// <summary>
    /// A ReLU right after a quantized op is dropped, its output's calibrated range (which starts at 0) given to the op's
    /// output: quantizing to that range clips at 0 exactly as the ReLU did.
    /// </summary>
    private void RemoveRelusAfterQuantizedOps()
    {
        foreach (var relu in editor.Graph.Node.Where(n => n.OpType == "Relu").ToList())
        {
            var producer = editor.Producer(relu.Input[0]);
            if (producer is null || !(producer.OpType is "Conv" or "Add" or "Gemm" or "MatMul") || !IsQuantizable(producer)
                || editor.Consumers(relu.Input[0]).Count != 1 || editor.IsGraphOutput(relu.Input[0]) || editor.IsGraphOutput(relu.Output[0])
                || !ranges.ContainsKey(relu.Output[0]))
            {
                continue;
            }

            producer.Output[0] = relu.Output[0];
            editor.Graph.Node.Remove(relu);
        }
    }

    private ActivationScale ScaleOf(string tensor)
    {
        if (!_scales.TryGetValue(tensor, out var scale))
        {
            scale = ActivationScale.From(ranges.TryGetValue(tensor, out var range)
                ? range
                : throw new QuantizationException($"calibration measured no range for tensor '{tensor}'"));
            _scales[tensor] = scale;
        }

        return scale;
    }

    private void InsertQdq(string tensor, ActivationScale scale)
    {
        var scaleName = editor.UniqueName(tensor + "_scale");
        var zeroName = editor.UniqueName(tensor + "_zero_point");
        editor.AddInitializer(Tensors.Floats(scaleName, [scale.Scale]));
        editor.AddInitializer(Tensors.UInt8(zeroName, [scale.ZeroPoint]));
        var quantized = editor.UniqueName(tensor + "_quantized");
        var dequantized = editor.UniqueName(tensor + "_dequantized");
        var quantize = GraphEditor.Node("QuantizeLinear", editor.UniqueName(tensor + "_QuantizeLinear"), [tensor, scaleName, zeroName], [quantized]);
        var dequantize = GraphEditor.Node("DequantizeLinear", editor.UniqueName(tensor + "_DequantizeLinear"), [quantized, scaleName, zeroName], [dequantized]);
        editor.Rewire(tensor, dequantized);
        editor.Graph.Node.Add(quantize);
        editor.Graph.Node.Add(dequantize);
    }

    /// <summary>
    /// Conv weights [M, C/g, kH, kW] per output channel (axis 0); MatMul [K, N] and Gemm weights per tensor. The bias
    /// becomes int32 with scale input·weight and zero point 0, the form ONNX Runtime's integer kernels add in.
    /// </summary>
    private void QuantizeWeights(NodeProto node)
    {
        var weightTensor = editor.Initializer(node.Input[1])!;
        var weights = Tensors.ReadFloats(weightTensor);
        var perChannel = node.OpType == "Conv";
        var channels = perChannel ? (int)weightTensor.Dims[0] : 1;
        var perSlice = weights.Length / channels;
        var (values, scales) = WeightQuantizer.Quantize(weights, channels, i => i / perSlice, weightMaxLevel);

        var name = node.Input[1];
        var quantizedName = editor.UniqueName(name + "_int8");
        var scaleName = editor.UniqueName(name + "_scale");
        var zeroName = editor.UniqueName(name + "_zero_point");
        long[] scaleDims = perChannel ? [channels] : [];
        editor.AddInitializer(Tensors.Int8(quantizedName, values, [.. weightTensor.Dims]));
        editor.AddInitializer(Tensors.Floats(scaleName, scales, scaleDims));
        editor.AddInitializer(Tensors.Int8(zeroName, new sbyte[channels], scaleDims));
        node.Input[1] = AddDequantize(name, quantizedName, scaleName, zeroName, perChannel);

        if (node.OpType is "Conv" or "Gemm" && node.Input.Count > 2 && node.Input[2].Length > 0)
        {
            QuantizeBias(node, scales, perChannel);
        }
    }

    private void QuantizeBias(NodeProto node, float[] weightScales, bool perChannel)
    {
        var inputScale = _scales[OriginalName(node.Input[0])].Scale;
        var bias = Tensors.ReadFloats(editor.Initializer(node.Input[2])!);
        var scales = bias.Select((_, i) => inputScale * weightScales[perChannel ? i : 0]).ToArray();
        var values = bias.Select((b, i) => (int)Math.Clamp(Math.Round(b / scales[i]), int.MinValue, int.MaxValue)).ToArray();
        var name = node.Input[2];
        var quantizedName = editor.UniqueName(name + "_int32");
        var scaleName = editor.UniqueName(name + "_scale");
        var zeroName = editor.UniqueName(name + "_zero_point");
        long[] scaleDims = perChannel ? [bias.Length] : [];
        editor.AddInitializer(Tensors.Int32(quantizedName, values, bias.Length));
        editor.AddInitializer(Tensors.Floats(scaleName, perChannel ? scales : [scales[0]], scaleDims));
        editor.AddInitializer(Tensors.Int32(zeroName, new int[perChannel ? bias.Length : 1], scaleDims));
        node.Input[2] = AddDequantize(name, quantizedName, scaleName, zeroName, perChannel);
    }

    /// <summary>A DequantizeLinear of a constant (per output channel: axis 0); returns the float tensor it produces.</summary>
    private string AddDequantize(string stem, string quantized, string scale, string zeroPoint, bool perChannel)
    {
        var dequantized = editor.UniqueName(stem + "_dequantized");
        var dequantize = GraphEditor.Node("DequantizeLinear", editor.UniqueName(stem + "_DequantizeLinear"), [quantized, scale, zeroPoint], [dequantized]);
        if (perChannel)
        {
            dequantize.Attribute.Add(GraphEditor.IntAttribute("axis", 0));
        }

        editor.Graph.Node.Add(dequantize);
        return dequantized;
    }

    /// <summary>The activation a node's input dequantizes (the node reads the DQ output after <see cref="InsertQdq"/>).</summary>
    private string OriginalName(string input)
    {
        var dequantize = editor.Producer(input);
        var quantize = dequantize is { OpType: "DequantizeLinear" } ? editor.Producer(dequantize.Input[0]) : null;
        return quantize is { OpType: "QuantizeLinear" } ? quantize.Input[0] : input;
    }
}
