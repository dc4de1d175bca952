using System.Text;
using Inference.Caching;
using Inference.Contracts;
using Inference.Protocol;

namespace Inference.Tests;

public sealed class PredictionKeysTests
{
    private static readonly ModelDefinition Cls = ModelConfigLoader.Load(Path.Combine(ServiceFixture.ModelsDirectory, "ppocr-cls", "model.json"));

    private static string InferKey(string json, ModelDefinition? model = null)
    {
        model ??= Cls;
        using var parsed = InferRequestParser.Parse(Encoding.UTF8.GetBytes(json), model);
        return PredictionKeys.ForInfer(model, parsed);
    }

    private static string Values(Func<int, string> value) => string.Join(",", Enumerable.Range(0, 3 * 48 * 192).Select(value));

    [Fact]
    public void The_same_tensor_formatted_differently_gives_the_same_key()
    {
        var compact = $$"""{"id":"a","inputs":[{"name":"x","shape":[1,3,48,192],"datatype":"FP32","data":[{{Values(i => (i % 7 * 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture))}}]}]}""";
        // Other key order, whitespace, another id, parameters, and numbers spelt differently (3 as 3.0 or 0.3e1).
        var spaced = $$"""
            { "inputs" : [ { "datatype" : "FP32", "data" : [ {{Values(i => i % 7 == 6 ? "0.3e1" : (i % 7 * 0.5).ToString("0.0##", System.Globalization.CultureInfo.InvariantCulture))}} ],
                             "shape" : [ 1, 3, 48, 192 ], "name" : "x", "parameters" : {} } ],
              "id" : "b", "parameters" : { "p" : 1 } }
            """;

        Assert.Equal(InferKey(compact), InferKey(spaced));
        Assert.Matches("^[0-9a-f]{64}$", InferKey(compact));
    }

    [Fact]
    public void Different_content_shape_or_model_version_give_different_keys()
    {
        var zeros = Requests.ClsInfer();
        var oneChanged = Requests.ClsInfer(dataJson: "1," + Requests.Zeros(3 * 48 * 192 - 1));
        var batchOfTwo = Requests.ClsInfer(batch: 2);
        var otherVersion = Cls with { Config = Cls.Config with { Version = "2.0.1" } };

        string[] keys = [InferKey(zeros), InferKey(oneChanged), InferKey(batchOfTwo), InferKey(zeros, otherVersion)];

        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void Naming_the_only_output_asks_for_the_same_answer_as_naming_none()
    {
        var zeros = Requests.ClsInfer();
        var namedOutput = zeros.TrimEnd('}') + ""","outputs":[{"name":"softmax_0.tmp_0"}]}""";

        Assert.Equal(InferKey(zeros), InferKey(namedOutput));
    }

    [Fact]
    public void Predict_keys_follow_the_image_bytes_the_model_version_and_a_pinned_file_hash()
    {
        var image = TestImages.TextLine("cache", upsideDown: false);
        var otherImage = TestImages.TextLine("cache", upsideDown: true);
        var otherVersion = Cls with { Config = Cls.Config with { Version = "2.1.0" } };
        var otherFile = Cls with { Config = Cls.Config with { Sha256 = new string('a', 64) } };

        Assert.Equal(PredictionKeys.ForPredict(Cls, image), PredictionKeys.ForPredict(Cls, image.ToArray()));
        Assert.NotEqual(PredictionKeys.ForPredict(Cls, image), PredictionKeys.ForPredict(Cls, otherImage));
        Assert.NotEqual(PredictionKeys.ForPredict(Cls, image), PredictionKeys.ForPredict(otherVersion, image));
        Assert.NotEqual(PredictionKeys.ForPredict(Cls, image), PredictionKeys.ForPredict(otherFile, image));
    }

    [Fact]
    public void The_log_input_key_is_the_sha256_of_the_body()
    {
        Assert.Equal("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", PredictionKeys.ForInput("abc"u8));
    }
}
