using System.Text.Json;
using Inference.Contracts;
using Inference.Protocol;

namespace Inference.Tests;

/// <summary>model.json's <c>quantization</c> field (written by <c>quantize</c>): validated like every other field, and reported in the model metadata.</summary>
public sealed class QuantizationConfigTests
{
    private const string Source = "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f";

    private static string Config(string quantization) => $$"""
        {
          "name": "resnet18", "version": "0.23.1+int8", "file": "ResNet18.int8.onnx",
          "inputs": [ { "name": "Input247", "datatype": "FP32", "shape": [1, 3, 224, 224] } ],
          "outputs": [ { "name": "Pooling395_Output_0", "datatype": "FP32", "shape": [1, 512, 1, 1] } ],
          "postprocessing": { "type": "embedding", "l2Normalize": true },
          "quantization": {{quantization}}
        }
        """;

    private const string Valid = $$"""
        { "method": "static-qdq", "sourceSha256": "{{Source}}", "sourceVersion": "0.23.1",
          "calibration": { "samples": 13, "setSha256": "{{Source}}", "source": "calibration" },
          "accuracy": { "metric": "cosine", "value": 0.9917, "samples": 56 } }
        """;

    [Fact]
    public void A_quantized_models_config_loads_and_its_metadata_names_method_and_accuracy()
    {
        var model = ModelConfigLoader.Parse(Config(Valid), "model.json");

        Assert.Equal("static-qdq", model.Config.Quantization!.Method);
        using var metadata = JsonDocument.Parse(ProtocolBodies.ModelMetadata(model));
        var parameters = metadata.RootElement.GetProperty("parameters");
        Assert.Equal("static-qdq", parameters.GetProperty("quantization_method").GetString());
        Assert.Equal(Source, parameters.GetProperty("quantization_source_sha256").GetString());
        Assert.Equal("cosine", parameters.GetProperty("quantization_accuracy_metric").GetString());
        Assert.Equal(0.9917, parameters.GetProperty("quantization_accuracy").GetDouble());
    }

    [Fact]
    public void An_fp32_models_metadata_has_no_quantization_parameters()
    {
        var model = ModelConfigLoader.Parse(Config("null"), "model.json");

        using var metadata = JsonDocument.Parse(ProtocolBodies.ModelMetadata(model));
        Assert.False(metadata.RootElement.TryGetProperty("parameters", out _));
    }

    [Theory]
    [InlineData("\"static-qdq\"", "\"fp16\"", "field 'quantization.method' has value \"fp16\"; allowed: static-qdq, dynamic")]
    [InlineData($"\"{Source}\"", "\"ABC\"", "field 'quantization.sourceSha256' has value \"ABC\"; allowed: 64 lower-case hex digits")]
    [InlineData("\"cosine\"", "\"recall\"", "field 'quantization.accuracy.metric' has value \"recall\"; allowed: cosine, top1Agreement")]
    [InlineData("0.9917", "1.5", "field 'quantization.accuracy.value' has value 1.5; allowed: -1 to 1")]
    [InlineData("\"samples\": 13", "\"samples\": 0", "field 'quantization.calibration.samples' has value 0; allowed: a positive count")]
    public void A_bad_quantization_field_is_named_with_its_value_and_what_is_allowed(string valid, string bad, string message)
    {
        var error = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Parse(Config(ReplaceFirst(Valid, valid, bad)), "model.json"));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Static_quantization_without_its_calibration_set_is_refused()
    {
        var withoutCalibration = $$"""
            { "method": "static-qdq", "sourceSha256": "{{Source}}", "accuracy": { "metric": "cosine", "value": 0.99, "samples": 56 } }
            """;

        var error = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Parse(Config(withoutCalibration), "model.json"));

        Assert.Contains("field 'quantization.calibration' has value null; allowed: a calibration object", error.Message, StringComparison.Ordinal);
    }

    private static string ReplaceFirst(string text, string oldValue, string newValue)
    {
        var at = text.IndexOf(oldValue, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{oldValue}' not in the valid config");
        return text[..at] + newValue + text[(at + oldValue.Length)..];
    }
}
