using Infra.Quantization;
using Microsoft.ML.OnnxRuntime;

namespace Quantization.Tests;

/// <summary>Dynamic quantization of a MatMul/Gemm model: integer matmuls, int8 weights, outputs close to FP32.</summary>
public sealed class DynamicQuantizationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "quantize-mlp-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void An_mlp_gets_integer_matmuls_with_int8_weights_and_stays_close_to_fp32()
    {
        var config = TestGraphs.Write(TestGraphs.Mlp(), Path.Combine(_folder, "source"));

        var result = ModelQuantizer.Quantize(new QuantizationRequest
        {
            ModelConfigPath = config,
            OutputDirectory = Path.Combine(_folder, "int8"),
            LatencyRounds = 3,
        }, TextWriter.Null);

        Assert.Equal("dynamic", result.Method);
        Assert.Equal(2, result.QuantizedNodes);
        Assert.True(result.Measurement.MeanAccuracy >= 0.99, $"mean cosine {result.Measurement.MeanAccuracy:F4}");
        Assert.True(result.Measurement.SizeRatio < 0.3, $"size ratio {result.Measurement.SizeRatio:F3}");

        var graph = OnnxModelFile.Load(result.ModelPath).Graph;
        Assert.Equal(2, graph.Node.Count(n => n.OpType == "MatMulInteger"));
        Assert.DoesNotContain(graph.Node, n => n.OpType is "MatMul" or "Gemm");
        Assert.All(graph.Initializer.Where(t => t.Dims.Count == 2), t => Assert.Equal((int)Onnx.TensorProto.Types.DataType.Int8, t.DataType));
        Assert.Null(result.Config.Quantization!.Calibration);
        Assert.Equal("dynamic", result.Config.Quantization.Method);

        // A batch of 3: the dynamic batch dimension still works after the rewrite.
        using var session = new InferenceSession(result.ModelPath);
        using var input = OrtValue.CreateTensorValueFromMemory(new float[3 * 64], [3, 64]);
        using var outputs = session.Run(new RunOptions(), ["x"], [input], ["y"]);
        Assert.Equal([3L, 32L], outputs[0].GetTensorTypeAndShape().Shape);
    }
}
