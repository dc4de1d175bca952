using System.Text.Json.Nodes;
using Inference.Contracts;
using Inference.Sessions;

namespace Inference.Tests;

public sealed class ModelConfigTests : IDisposable
{
    private const string Valid = """
        {
          "name": "cls", "version": "1.2.3-rc.1", "file": "m.onnx",
          "inputs": [ { "name": "x", "datatype": "FP32", "shape": [-1, 3, 48, 192] } ],
          "outputs": [ { "name": "y", "datatype": "FP32", "shape": [-1, 2] } ],
          "preprocessing": { "resize": { "width": 192, "height": 48 }, "layout": "NCHW", "channelOrder": "BGR",
                             "scale": 0.5, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5] },
          "postprocessing": { "type": "classification", "softmax": true, "topK": 1 },
          "labels": ["up", "down"]
        }
        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_valid_config_loads_with_parsed_datatypes_and_resolved_paths()
    {
        var model = ModelConfigLoader.Load(_dir.Write("model.json", Valid));

        Assert.Equal("cls", model.Name);
        Assert.Equal("1.2.3-rc.1", model.Version);
        Assert.Equal(TensorDatatype.FP32, model.Inputs[0].Datatype);
        Assert.Equal([-1L, 3, 48, 192], model.Inputs[0].Shape);
        Assert.Equal(["up", "down"], model.Labels);
        Assert.Equal(Path.Combine(_dir.Path, "m.onnx"), model.BundledModelPath);
    }

    [Fact]
    public void Fields_left_out_take_their_documented_defaults()
    {
        var node = JsonNode.Parse(Valid)!;
        node["preprocessing"] = new JsonObject { ["resize"] = new JsonObject { ["width"] = 192, ["height"] = 48 } };
        node["postprocessing"] = new JsonObject { ["type"] = "classification" };

        var config = ModelConfigLoader.Load(_dir.Write("model.json", node.ToJsonString())).Config;

        Assert.Equal(("NCHW", "RGB", 1f), (config.Preprocessing!.Layout, config.Preprocessing.ChannelOrder, config.Preprocessing.Scale));
        Assert.Equal(5, config.Postprocessing!.TopK);
    }

    [Fact]
    public void Labels_can_come_from_a_file()
    {
        _dir.Write("labels.txt", "up\ndown\n");
        var node = JsonNode.Parse(Valid)!;
        node.AsObject().Remove("labels");
        node["labelsFile"] = "labels.txt";

        var model = ModelConfigLoader.Load(_dir.Write("model.json", node.ToJsonString()));

        Assert.Equal(["up", "down"], model.Labels);
    }

    public static TheoryData<string, string, string> InvalidConfigs => new()
    {
        // JSON path to change, new value (JSON), the field the error must name
        { "name", "\"has space\"", "'name'" },
        { "version", "\"1.0\"", "'version'" },
        { "version", "\"1.0.0-01\"", "'version'" },
        { "metadata", "{ \"\": \"x\" }", "'metadata'" },
        { "file", "\"../outside.onnx\"", "'file'" },
        { "file", "\"model.bin\"", "'file'" },
        { "sha256", "\"ABC\"", "'sha256'" },
        { "sizeBytes", "0", "'sizeBytes'" },
        { "inputs", "[]", "'inputs'" },
        { "inputs[0].datatype", "\"FP16\"", "'inputs[0].datatype'" },
        { "inputs[0].shape", "[]", "'inputs[0].shape'" },
        { "inputs[0].shape", "[1, 0, 48, 192]", "'inputs[0].shape[1]'" },
        { "inputs[0].shape", "[1, 3, 64, 192]", "'inputs[0].shape'" },
        { "outputs[0].datatype", "\"BYTES\"", "'outputs[0].datatype'" },
        { "inputs[0].name", "\"\"", "'inputs[0].name'" },
        { "preprocessing.resize.width", "0", "'preprocessing.resize.width'" },
        { "preprocessing.resize.height", "99999", "'preprocessing.resize.height'" },
        { "preprocessing.layout", "\"CHW\"", "'preprocessing.layout'" },
        { "preprocessing.channelOrder", "\"RGBA\"", "'preprocessing.channelOrder'" },
        { "preprocessing.scale", "-1", "'preprocessing.scale'" },
        { "preprocessing.mean", "[0.5]", "'preprocessing.mean'" },
        { "preprocessing.std", "[0.5, 0, 0.5]", "'preprocessing.std[1]'" },
        { "preprocessing.graph", "\"missing.onnx\"", "'preprocessing.graph'" },
        { "postprocessing.type", "\"detection\"", "'postprocessing.type'" },
        { "postprocessing.output", "\"logits\"", "'postprocessing.output'" },
        { "postprocessing.topK", "0", "'postprocessing.topK'" },
        { "labels", "[\"only-one\"]", "'labels'" },
        { "labels", "[\"up\", \"\"]", "'labels[1]'" },
        { "labelsFile", "\"labels.txt\"", "'labelsFile'" },
        { "sideFiles", "{ \"other.onnx\": { \"sha256\": \"" + new string('a', 64) + "\", \"sizeBytes\": 1 } }", "'sideFiles'" },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigs))]
    public void An_invalid_field_is_named_with_its_value_and_what_is_allowed(string path, string value, string field)
    {
        var node = JsonNode.Parse(Valid)!;
        Set(node, path, JsonNode.Parse(value));
        var file = _dir.Write("model.json", node.ToJsonString());

        var error = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Load(file));

        Assert.StartsWith(file + ":", error.Message, StringComparison.Ordinal);
        Assert.Contains($"field {field}", error.Message, StringComparison.Ordinal);
        Assert.Contains("allowed:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"name\": \"x\" ", "invalid JSON")]
    [InlineData("{ \"name\": \"x\", \"version\": \"1.0.0\", \"file\": \"m.onnx\", \"outputs\": [] }", "inputs")]
    [InlineData("{ \"name\": 5 }", "$.name")]
    [InlineData("null", "is empty")]
    public void Malformed_or_incomplete_json_is_reported_with_the_file(string content, string expected)
    {
        var file = _dir.Write("model.json", content);

        var error = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Load(file));

        Assert.StartsWith(file, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Creation_time_and_free_form_metadata_round_trip_through_the_schema()
    {
        var node = JsonNode.Parse(Valid)!;
        node["createdAt"] = "2026-11-27T21:00:00+00:00";
        node["metadata"] = new JsonObject { ["trainingRun"] = "run-42", ["dataset"] = "text-lines-v3" };

        var model = ModelConfigLoader.Load(_dir.Write("model.json", node.ToJsonString()));
        var again = ModelConfigLoader.Parse(ModelConfigLoader.Serialize(model.Config), "s3://b/models/cls/1.2.3-rc.1/model.json");

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 21, 0, 0, TimeSpan.Zero), again.Config.CreatedAt);
        Assert.Equal("run-42", again.Config.Metadata!["trainingRun"]);
        Assert.Equal(model.Inputs[0].Shape, again.Inputs[0].Shape);
        Assert.Equal(model.Labels, again.Labels);
    }

    [Fact]
    public void Parsing_without_the_folder_checks_side_file_references_but_not_their_presence()
    {
        var node = JsonNode.Parse(Valid)!;
        node.AsObject().Remove("labels");
        node["labelsFile"] = "labels.txt";
        var withLabelsFile = node.ToJsonString();
        node["labelsFile"] = "../labels.txt";

        var parsed = ModelConfigLoader.Parse(withLabelsFile, "s3://b/k");
        var error = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Parse(node.ToJsonString(), "s3://b/k"));

        Assert.Equal("labels.txt", parsed.Config.LabelsFile);
        Assert.StartsWith("s3://b/k: field 'labelsFile' has value \"../labels.txt\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"ABC\"", "1", "'sideFiles.pre.onnx.sha256'")]
    [InlineData("\"" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" + "\"", "-1", "'sideFiles.pre.onnx.sizeBytes'")]
    public void A_side_file_digest_must_be_a_sha256_and_a_size(string sha256, string size, string field)
    {
        var node = JsonNode.Parse(Valid)!;
        node["preprocessing"]!["graph"] = "pre.onnx";
        node["sideFiles"] = JsonNode.Parse($$"""{ "pre.onnx": { "sha256": {{sha256}}, "sizeBytes": {{size}} } }""");

        var error = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Parse(node.ToJsonString(), "s3://b/models/cls/1.2.3-rc.1/model.json"));

        Assert.Contains($"field {field}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recorded_side_file_digest_round_trips_through_the_schema()
    {
        var node = JsonNode.Parse(Valid)!;
        node["preprocessing"]!["graph"] = "pre.onnx";
        var sha256 = new string('b', 64);
        node["sideFiles"] = JsonNode.Parse($$"""{ "pre.onnx": { "sha256": "{{sha256}}", "sizeBytes": 42 } }""");

        var model = ModelConfigLoader.Parse(node.ToJsonString(), "registry");
        var again = ModelConfigLoader.Parse(ModelConfigLoader.Serialize(model.Config), "registry");

        Assert.Equal((sha256, 42L), (again.Config.SideFiles!["pre.onnx"].Sha256, again.Config.SideFiles["pre.onnx"].SizeBytes));
    }

    [Fact]
    public void A_misspelt_field_is_refused_rather_than_ignored()
    {
        var file = _dir.Write("model.json", Valid.Replace("\"labels\"", "\"lables\"", StringComparison.Ordinal));

        var error = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Load(file));

        Assert.Contains("lables", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_that_disagrees_with_the_onnx_file_fails_at_load_naming_both()
    {
        var folder = _dir.CopyModel("ppocr-cls");
        var config = Path.Combine(folder, "model.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"name\": \"x\"", "\"name\": \"image\"", StringComparison.Ordinal));
        var definition = ModelConfigLoader.Load(config);
        var loader = new ModelLoader(new Storage.BundledModelFileProvider(), new SessionSettings(1));

        var error = Assert.Throws<ModelConfigException>(() => loader.LoadAsync(definition, default).GetAwaiter().GetResult());

        Assert.Contains("'inputs[0].name' has value image", error.Message, StringComparison.Ordinal);
        Assert.Contains("x Float [-1,3,-1,-1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bundled_model_configs_are_valid()
    {
        foreach (var name in new[] { "resnet18", "ppocr-cls" })
        {
            var model = ModelConfigLoader.Load(Path.Combine(ServiceFixture.ModelsDirectory, name, "model.json"));
            Assert.Equal(name, model.Name);
            Assert.True(File.Exists(model.BundledModelPath));
        }
    }

    private static void Set(JsonNode root, string path, JsonNode? value)
    {
        var parts = path.Replace("[", ".[", StringComparison.Ordinal).Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            node = part.StartsWith('[') ? node[int.Parse(part[1..^1], System.Globalization.CultureInfo.InvariantCulture)]! : node[part]!;
        }

        node[parts[^1]] = value;
    }
}
