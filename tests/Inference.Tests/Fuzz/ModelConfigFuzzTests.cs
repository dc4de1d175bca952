using CsCheck;
using Fuzzing;
using Inference.Contracts;

namespace Inference.Tests.Fuzz;

/// <summary>
/// Property: any model.json text either validates or fails with <see cref="ModelConfigException"/> naming its
/// source; no other exception escapes the loader.
/// </summary>
public sealed class ModelConfigFuzzTests
{
    private const string Source = "s3://fuzz/models/cls/1.2.3/model.json";

    private const string Valid = """
        {
          "name": "cls", "version": "1.2.3-rc.1", "file": "m.onnx", "sha256": "0000000000000000000000000000000000000000000000000000000000000000",
          "inputs": [ { "name": "x", "datatype": "FP32", "shape": [-1, 3, 48, 192] } ],
          "outputs": [ { "name": "y", "datatype": "FP32", "shape": [-1, 2] } ],
          "preprocessing": { "resize": { "width": 192, "height": 48 }, "layout": "NCHW", "channelOrder": "BGR",
                             "scale": 0.5, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5] },
          "postprocessing": { "type": "classification", "softmax": true, "topK": 1 },
          "labels": ["up", "down"], "metadata": { "team": "ocr" }
        }
        """;

    [Fact]
    public void The_seed_config_is_valid() => Assert.Equal("cls", ModelConfigLoader.Parse(Valid, Source).Name);

    [Fact]
    public void Mutated_configs_validate_or_fail_with_the_config_error() =>
        JsonMutations.Mutate(Valid).Sample(AssertValidOrConfigError, iter: FuzzIterations.Get(5000), print: json => json);

    [Fact]
    public void Random_text_fails_with_the_config_error() =>
        Gen.String.Sample(AssertValidOrConfigError, iter: FuzzIterations.Get(2000), print: text => text);

    /// <summary>Found by the fuzz test above: a null tensor threw NullReferenceException instead of naming the field.</summary>
    [Theory]
    [InlineData("outputs")]
    [InlineData("inputs")]
    public void Regression_a_null_tensor_is_a_config_error_naming_it(string field)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(Valid)!;
        json[field]!.AsArray()[0] = null;

        var error = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Parse(json.ToJsonString(), Source));

        Assert.Contains($"field '{field}[0]' has value null", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Found by the fuzz test: "outputs": null and a null metadata value threw NullReferenceException.</summary>
    [Theory]
    [InlineData("outputs", "'$.outputs'")]
    [InlineData("shape", "'$.inputs[0].shape'")]
    [InlineData("metadata", "field 'metadata.team' has value null")]
    public void Regression_a_null_field_is_a_config_error_naming_it(string field, string named)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(Valid)!;
        switch (field)
        {
            case "shape":
                json["inputs"]![0]!["shape"] = null;
                break;
            case "metadata":
                json["metadata"]!["team"] = null;
                break;
            default:
                json[field] = null;
                break;
        }

        var error = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Parse(json.ToJsonString(), Source));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static void AssertValidOrConfigError(string json)
    {
        try
        {
            Assert.NotNull(ModelConfigLoader.Parse(json, Source));
        }
        catch (ModelConfigException error)
        {
            Assert.StartsWith(Source + ":", error.Message, StringComparison.Ordinal);
        }
    }
}
