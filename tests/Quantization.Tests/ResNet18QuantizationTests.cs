using Inference.Contracts;
using Infra.Quantization;
using Microsoft.ML.OnnxRuntime;

namespace Quantization.Tests;

/// <summary>
/// The bundled ResNet18 quantized with static QDQ, calibrated on real photos and compared with FP32 on at least 50 other
/// real photos, through the function's own preprocessing. Latency is not asserted here (timings belong in
/// docs/benchmarks.md); the measurement is only checked to have been taken.
/// </summary>
public sealed class ResNet18QuantizationTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "quantize-resnet18-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [SkippableFact]
    public void Static_int8_resnet18_is_a_quarter_of_the_size_and_keeps_cosine_0_99_on_held_out_photos()
    {
        var result = ModelQuantizer.Quantize(new QuantizationRequest
        {
            ModelConfigPath = TestPhotos.ResNet18Config,
            OutputDirectory = _output,
            CalibrationFolder = TestPhotos.Calibration,
            EvaluationFolder = TestPhotos.Evaluation,
            LatencyRounds = 3,
        }, TextWriter.Null);

        var m = result.Measurement;
        Assert.Equal("static", result.Method);
        Assert.True(m.EvaluationSamples >= 50, $"{m.EvaluationSamples} evaluation photos");
        Assert.Equal("cosine", m.Metric);
        Assert.True(m.MeanAccuracy >= 0.99, $"mean cosine {m.MeanAccuracy:F4} against FP32 (worst {m.WorstAccuracy:F4})");
        Assert.True(m.SizeRatio <= 0.3, $"size ratio {m.SizeRatio:F3}");
        Assert.True(m.SourceMedianMs > 0 && m.QuantizedMedianMs > 0);

        // The written model loads in ONNX Runtime and ORT turns every Conv and Add into its integer kernel.
        var optimized = Path.Combine(_output, "optimized.onnx");
        using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = optimized })
        using (var session = new InferenceSession(result.ModelPath, options))
        {
            Assert.Equal("Input247", session.InputNames.Single());
        }

        var ops = OnnxModelFile.Load(optimized).Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(22, ops.GetValueOrDefault("QLinearConv")); // every Conv node of this ResNet18 export
        Assert.False(ops.ContainsKey("Conv"), "a Conv stayed in float: " + string.Join(", ", ops));
        Assert.Equal(9, ops.GetValueOrDefault("QLinearAdd"));

        // Its model.json passes the function's validation and records how it was made.
        var definition = ModelConfigLoader.Load(result.ModelConfigPath);
        var q = definition.Config.Quantization!;
        Assert.Equal("0.23.1+int8", definition.Version);
        Assert.Equal("static-qdq", q.Method);
        Assert.Equal("e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f", q.SourceSha256);
        Assert.Equal(13, q.Calibration!.Samples);
        Assert.Equal(m.EvaluationSamples, q.Accuracy.Samples);
        Assert.True(File.Exists(Path.Combine(_output, "ResNetPreprocess.onnx")), "the preprocessing graph is copied next to the model");
        Assert.Equal(new FileInfo(result.ModelPath).Length, definition.Config.SizeBytes);
    }
}
