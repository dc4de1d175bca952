namespace Inference.Contracts;

/// <summary>A validated model.json with its datatypes parsed and its local files resolved.</summary>
public sealed record ModelDefinition(
    ModelConfig Config,
    string ConfigPath,
    string Directory,
    IReadOnlyList<ModelTensor> Inputs,
    IReadOnlyList<ModelTensor> Outputs,
    IReadOnlyList<string> Labels,
    string? PreprocessGraphPath)
{
    public string Name => Config.Name;
    public string Version => Config.Version;

    /// <summary>Where the ONNX file lies when it is bundled next to model.json.</summary>
    public string BundledModelPath => Path.Combine(Directory, Config.File);
}

/// <summary>One declared input or output.</summary>
public sealed record ModelTensor(string Name, TensorDatatype Datatype, long[] Shape, bool AllowNonFinite);
