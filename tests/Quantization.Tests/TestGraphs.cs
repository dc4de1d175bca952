using Google.Protobuf;
using Infra.Quantization;
using Onnx;

namespace Quantization.Tests;

/// <summary>Small FP32 models written through the generated ONNX classes, with a model.json, in a temporary folder.</summary>
internal static class TestGraphs
{
    /// <summary>
    /// x[-1,64] → MatMul(W1 64×128) → Add(b1) → Relu → Gemm(W2 32×128, transB, bias) → y[-1,32]: an MLP whose weights are
    /// almost all of its size, with seeded random weights.
    /// </summary>
    public static ModelProto Mlp(long opset = 13)
    {
        var random = new Random(7);
        var graph = new GraphProto { Name = "mlp" };
        graph.Input.Add(Value("x", -1, 64));
        graph.Output.Add(Value("y", -1, 32));
        graph.Initializer.Add(Tensors.Floats("W1", RandomValues(random, 64 * 128, 0.2f), 64, 128));
        graph.Initializer.Add(Tensors.Floats("b1", RandomValues(random, 128, 0.1f), 128));
        graph.Initializer.Add(Tensors.Floats("W2", RandomValues(random, 32 * 128, 0.2f), 32, 128));
        graph.Initializer.Add(Tensors.Floats("b2", RandomValues(random, 32, 0.1f), 32));
        graph.Node.Add(GraphEditor.Node("MatMul", "mm", ["x", "W1"], ["h0"]));
        graph.Node.Add(GraphEditor.Node("Add", "bias", ["h0", "b1"], ["h1"]));
        graph.Node.Add(GraphEditor.Node("Relu", "relu", ["h1"], ["h2"]));
        var gemm = GraphEditor.Node("Gemm", "gemm", ["h2", "W2", "b2"], ["y"]);
        gemm.Attribute.Add(GraphEditor.IntAttribute("transB", 1));
        graph.Node.Add(gemm);
        return Model(graph, opset);
    }

    /// <summary>x[-1,8] → Sigmoid → Softmax → y: nothing INT8 would speed up.</summary>
    public static ModelProto ActivationsOnly()
    {
        var graph = new GraphProto { Name = "activations" };
        graph.Input.Add(Value("x", -1, 8));
        graph.Output.Add(Value("y", -1, 8));
        graph.Node.Add(GraphEditor.Node("Sigmoid", "sigmoid", ["x"], ["s"]));
        graph.Node.Add(GraphEditor.Node("Softmax", "softmax", ["s"], ["y"]));
        return Model(graph, 13);
    }

    /// <summary>
    /// x[1,2,4] → Relu → h[1,2,4] (recorded in value_info) → Reshape(target) → y[1,8]: an export with batch 1 spelled
    /// everywhere, whose flatten is a Reshape to a constant shape, held in an initializer or a Constant node.
    /// </summary>
    public static ModelProto FixedBatchReshape(long[] target, bool constantNode = false, bool allowZero = false)
    {
        var graph = new GraphProto { Name = "fixed-batch" };
        graph.Input.Add(Value("x", 1, 2, 4));
        graph.Output.Add(Value("y", 1, 8));
        graph.ValueInfo.Add(Value("h", 1, 2, 4));
        var shape = new TensorProto { Name = "target", DataType = (int)TensorProto.Types.DataType.Int64 };
        shape.Dims.Add(target.Length);
        shape.Int64Data.AddRange(target);
        if (constantNode)
        {
            var constant = GraphEditor.Node("Constant", "target_constant", [], ["target"]);
            constant.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = shape });
            graph.Node.Add(constant);
        }
        else
        {
            graph.Initializer.Add(shape);
        }

        graph.Node.Add(GraphEditor.Node("Relu", "relu", ["x"], ["h"]));
        var reshape = GraphEditor.Node("Reshape", "flatten", ["h", "target"], ["y"]);
        if (allowZero)
        {
            reshape.Attribute.Add(GraphEditor.IntAttribute("allowzero", 1));
        }

        graph.Node.Add(reshape);
        return Model(graph, 14);
    }

    /// <summary>Writes the model and a model.json for it (input x, output y, no preprocessing) into a new folder; returns model.json's path.</summary>
    public static string Write(ModelProto model, string folder, string inputShape = "[-1, 64]", string outputShape = "[-1, 32]")
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), model.ToByteArray());
        return WriteConfig(folder, "model.onnx", inputShape, outputShape);
    }

    public static string WriteConfig(string folder, string file, string inputShape = "[-1, 64]", string outputShape = "[-1, 32]")
    {
        var config = Path.Combine(folder, "model.json");
        File.WriteAllText(config, $$"""
            {
              "name": "mlp", "version": "1.0.0", "file": "{{file}}",
              "inputs": [ { "name": "x", "datatype": "FP32", "shape": {{inputShape}} } ],
              "outputs": [ { "name": "y", "datatype": "FP32", "shape": {{outputShape}} } ],
              "postprocessing": { "type": "embedding" }
            }
            """);
        return config;
    }

    private static ModelProto Model(GraphProto graph, long opset)
    {
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "Quantization.Tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    private static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "batch" } : new TensorShapeProto.Types.Dimension { DimValue = dim });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static float[] RandomValues(Random random, int count, float scale) =>
        [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale)];
}
