using Inference.Contracts;
using Infra.Quantization;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Quantization.Tests;

/// <summary>
/// dynamic-batch: a fixed-batch export (the bundled ResNet18 says batch 1 in its inputs, outputs and value_info) rewritten
/// so that it runs at any batch, giving per item what the original gives at batch 1.
/// </summary>
public sealed class DynamicBatchTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dynamic-batch-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void Resnet18_with_a_dynamic_batch_runs_at_batch_16_and_matches_the_original_per_image()
    {
        var source = ModelConfigLoader.Load(TestPhotos.ResNet18Config);
        const int batch = 16;
        var itemLength = 3 * 224 * 224;
        var random = new Random(16);
        var pixels = new float[batch * itemLength];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)(random.NextDouble() * 255);
        }

        using var original = new InferenceSession(source.BundledModelPath);
        using (var whole = OrtValue.CreateTensorValueFromMemory(pixels, [batch, 3, 224, 224]))
        {
            // What the GPU check ran into: the export fixes the batch at 1.
            Assert.Throws<OnnxRuntimeException>(() => original.Run(new RunOptions(), ["Input247"], [whole], ["Pooling395_Output_0"]).Dispose());
        }

        var result = DynamicBatchModel.Write(TestPhotos.ResNet18Config, _folder);

        // The graph: symbolic first dimension on the input and output, no Reshape fixed at 1 (this export has none to rewrite).
        var graph = OnnxModelFile.Load(result.ModelPath).Graph;
        Assert.Equal(DynamicBatchRewriter.DimensionName, graph.Input.Single(i => i.Name == "Input247").Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(DynamicBatchRewriter.DimensionName, graph.Output.Single().Type.TensorType.Shape.Dim[0].DimParam);
        Assert.DoesNotContain(graph.Node, n => n.OpType is "Reshape" or "Flatten");
        Assert.Empty(graph.ValueInfo);
        Assert.Equal(3, result.Changes.Count); // input, output, value_info

        // Its model.json passes the function's validation with -1 for the batch, and the preprocessing graph came along.
        var written = ModelConfigLoader.Load(result.ModelConfigPath);
        Assert.Equal([-1, 3, 224, 224], written.Inputs[0].Shape);
        Assert.Equal([-1, 512, 1, 1], written.Outputs[0].Shape);
        Assert.True(File.Exists(Path.Combine(_folder, "ResNetPreprocess.onnx")));

        using var rewritten = new InferenceSession(result.ModelPath);
        float[] Run(InferenceSession session, int offset, int count)
        {
            using var input = OrtValue.CreateTensorValueFromMemory(pixels[(offset * itemLength)..((offset + count) * itemLength)], [count, 3, 224, 224]);
            using var outputs = session.Run(new RunOptions(), ["Input247"], [input], ["Pooling395_Output_0"]);
            Assert.Equal([count, 512, 1, 1], outputs[0].GetTensorTypeAndShape().Shape);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }

        var batched = Run(rewritten, 0, batch);
        for (var k = 0; k < batch; k++)
        {
            var reference = Run(original, k, 1);
            var cosine = Cosine(reference, batched.AsSpan(k * 512, 512));
            Assert.True(cosine >= 0.999999, $"image {k}: cosine {cosine:F8} between batch 16 of the rewritten model and batch 1 of the original");
        }

        var single = Cosine(Run(original, 3, 1), Run(rewritten, 3, 1));
        Assert.True(single >= 0.999999, $"batch 1: cosine {single:F8} between the rewritten and the original model");
    }

    [Theory]
    [InlineData(false, new long[] { 1, 8 }, new long[] { -1, 8 })]   // batch inferred from the element count
    [InlineData(true, new long[] { 1, 8 }, new long[] { -1, 8 })]    // the same target in a Constant node
    [InlineData(false, new long[] { 1, -1 }, new long[] { 0, -1 })]  // -1 taken: the batch is copied from the input
    public void A_reshape_fixed_at_batch_1_follows_the_batch_after_the_rewrite(bool constantNode, long[] target, long[] expected)
    {
        var model = TestGraphs.FixedBatchReshape(target, constantNode);
        var changes = DynamicBatchRewriter.Rewrite(model);

        Assert.Contains(changes, c => c.StartsWith("Reshape 'flatten'", StringComparison.Ordinal));
        var editor = new GraphEditor(model.Graph);
        var shape = editor.Initializer("target") ?? editor.Producer("target")!.Attribute.Single().T;
        Assert.Equal(expected, Tensors.ReadInt64s(shape));

        // Batch 3 runs, and each row is the flattened Relu of its own item.
        var x = Enumerable.Range(0, 3 * 8).Select(i => (float)(i % 5) - 2).ToArray();
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model));
        using var input = OrtValue.CreateTensorValueFromMemory(x, [3, 2, 4]);
        using var outputs = session.Run(new RunOptions(), ["x"], [input], ["y"]);
        Assert.Equal([3, 8], outputs[0].GetTensorTypeAndShape().Shape);
        Assert.Equal(x.Select(v => Math.Max(v, 0)), outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    [Fact]
    public void The_original_fixed_batch_reshape_refuses_batch_3()
    {
        // The failure the rewrite removes, on the same graph as above.
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(TestGraphs.FixedBatchReshape([1, 8]));
        using var session = new InferenceSession(bytes);
        using var input = OrtValue.CreateTensorValueFromMemory(new float[3 * 8], [3, 2, 4]);
        Assert.Throws<OnnxRuntimeException>(() => session.Run(new RunOptions(), ["x"], [input], ["y"]).Dispose());
    }

    [Fact]
    public void A_reshape_that_already_infers_a_dimension_and_sets_allowzero_is_refused_with_its_name()
    {
        var model = TestGraphs.FixedBatchReshape([1, -1], allowZero: true);

        var error = Assert.Throws<QuantizationException>(() => DynamicBatchRewriter.Rewrite(model));
        Assert.Contains("Reshape 'flatten'", error.Message, StringComparison.Ordinal);
        Assert.Contains("allowzero", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_whose_batch_is_already_dynamic_is_left_as_it_is()
    {
        var model = TestGraphs.Mlp();
        var before = Google.Protobuf.MessageExtensions.ToByteArray(model);

        Assert.Empty(DynamicBatchRewriter.Rewrite(model));
        Assert.Equal(before, Google.Protobuf.MessageExtensions.ToByteArray(model));
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
