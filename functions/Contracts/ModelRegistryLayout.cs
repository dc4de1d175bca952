namespace Inference.Contracts;

/// <summary>
/// Where the model registry keeps a version in its bucket: <c>models/{name}/{version}/model.onnx</c> next to
/// <c>model.json</c>, and any file model.json names besides the model (a preprocessing graph) in the same folder.
/// Shared by the registry commands that write it and the function that reads it.
/// </summary>
public static class ModelRegistryLayout
{
    public const string Root = "models/";
    public const string ModelFileName = "model.onnx";

    /// <summary><c>models/{name}/{version}/</c></summary>
    public static string Folder(string name, string version) => $"{Root}{name}/{version}/";

    public static string ModelKey(string name, string version) => Folder(name, version) + ModelFileName;

    public static string ConfigKey(string name, string version) => Folder(name, version) + ModelConfigLoader.FileName;

    /// <summary>A file that model.json names relative to itself (such as <c>preprocessing.graph</c>).</summary>
    public static string SideFileKey(string name, string version, string relativePath) => Folder(name, version) + relativePath.Replace('\\', '/');
}
