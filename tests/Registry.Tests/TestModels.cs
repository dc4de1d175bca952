using System.Text.Json.Nodes;

namespace Registry.Tests;

/// <summary>The tiny PP-OCR classifier in the test output, and model.json variants of it written to a folder.</summary>
public static class TestModels
{
    public const string Name = "ppocr-cls";
    public const string Version = "2.0.0";
    public const string Sha256 = "491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640";
    public const long SizeBytes = 578966;

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "models", Name);

    public static string OnnxFile => Path.Combine(Folder, "ch_ppocr_mobile_v2.0_cls_infer.onnx");

    public static string ConfigFile => Path.Combine(Folder, "model.json");

    /// <summary>The classifier's model.json with the given changes, written into <paramref name="directory"/>.</summary>
    public static string WriteConfig(string directory, Action<JsonObject> change)
    {
        var text = File.ReadAllText(ConfigFile);
        var node = JsonNode.Parse(text, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();
        change(node);
        var path = Path.Combine(directory, $"model-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, node.ToJsonString());
        return path;
    }
}
