using System.Text.Json.Serialization;

namespace Inference.Contracts;

/// <summary>The contents of a model's <c>model.json</c>, as written by its author.</summary>
public sealed record ModelConfig
{
    public required string Name { get; init; }
    public required string Version { get; init; }

    /// <summary>The ONNX file, relative to the folder holding model.json.</summary>
    public required string File { get; init; }

    /// <summary>Lower-case hex sha256 of <see cref="File"/>; required when the file comes from S3.</summary>
    public string? Sha256 { get; init; }

    public long? SizeBytes { get; init; }
    public required IReadOnlyList<TensorSpec> Inputs { get; init; }
    public required IReadOnlyList<TensorSpec> Outputs { get; init; }
    public PreprocessingConfig? Preprocessing { get; init; }
    public PostprocessingConfig? Postprocessing { get; init; }
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>A text file with one label per line, relative to model.json; an alternative to <see cref="Labels"/>.</summary>
    public string? LabelsFile { get; init; }

    /// <summary>
    /// The sha256 and size of each file model.json names besides the model (labelsFile, preprocessing.graph), by its
    /// path as named there. The registry's <c>model push</c> records them; the function refuses a side file fetched from
    /// the registry that is not recorded here or does not match.
    /// </summary>
    public IReadOnlyDictionary<string, SideFileDigest>? SideFiles { get; init; }

    /// <summary>When the version was created; the registry's <c>model push</c> sets it.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Free-form facts about the version (training run, data set, author); not interpreted.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Set when this version is an INT8 quantization of another model (written by the <c>quantize</c> command).</summary>
    public QuantizationInfo? Quantization { get; init; }
}

/// <summary>What a side file's bytes must be: their lower-case hex sha256 and their length.</summary>
public sealed record SideFileDigest
{
    public required string Sha256 { get; init; }
    public required long SizeBytes { get; init; }
}

/// <summary>How a quantized model was made from its FP32 source, and what it measured against it.</summary>
public sealed record QuantizationInfo
{
    /// <summary><c>static-qdq</c> (calibrated activations) or <c>dynamic</c> (activations quantized per run).</summary>
    public required string Method { get; init; }

    /// <summary>Lower-case hex sha256 of the FP32 ONNX file it was made from.</summary>
    public required string SourceSha256 { get; init; }

    /// <summary>The FP32 model's version.</summary>
    public string? SourceVersion { get; init; }

    /// <summary>The inputs whose activation ranges set the scales; required for <c>static-qdq</c>.</summary>
    public QuantizationCalibration? Calibration { get; init; }

    /// <summary>Agreement with the FP32 model on held-out inputs.</summary>
    public required QuantizationAccuracy Accuracy { get; init; }
}

public sealed record QuantizationCalibration
{
    public required int Samples { get; init; }

    /// <summary>sha256 over the sorted sha256s of the calibration inputs: names the set without listing it.</summary>
    public required string SetSha256 { get; init; }

    /// <summary>Where the set came from, in words (a folder, a package).</summary>
    public string? Source { get; init; }
}

public sealed record QuantizationAccuracy
{
    /// <summary><c>cosine</c> (mean cosine similarity of the outputs) or <c>top1Agreement</c> (share of equal top-1 classes).</summary>
    public required string Metric { get; init; }

    public required double Value { get; init; }

    /// <summary>How many held-out inputs were compared.</summary>
    public required int Samples { get; init; }
}

public sealed record TensorSpec
{
    public required string Name { get; init; }
    public required string Datatype { get; init; }

    /// <summary>Dimensions; -1 marks a dynamic one.</summary>
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>Whether NaN and ±Infinity are accepted in request data (floating-point inputs only).</summary>
    public bool AllowNonFinite { get; init; }
}

public sealed record PreprocessingConfig
{
    public required ResizeConfig Resize { get; init; }

    // Fields with a default have setters, not init: the JSON source generator builds these records with an object
    // initializer that assigns every init property, so a field left out of model.json would get null or 0, not its default.
    public string Layout { get; set; } = "NCHW";
    public string ChannelOrder { get; set; } = "RGB";

    /// <summary>Each 0–255 channel value is multiplied by this before mean and std are applied.</summary>
    public float Scale { get; set; } = 1f;

    public IReadOnlyList<float>? Mean { get; init; }
    public IReadOnlyList<float>? Std { get; init; }

    /// <summary>An optional ONNX graph, relative to model.json, run on the tensor before the model.</summary>
    public string? Graph { get; init; }
}

public sealed record ResizeConfig
{
    public required int Width { get; init; }
    public required int Height { get; init; }
}

public sealed record PostprocessingConfig
{
    /// <summary>"classification" or "embedding".</summary>
    public required string Type { get; init; }

    /// <summary>The model output to post-process; the first output when absent.</summary>
    public string? Output { get; init; }

    public bool Softmax { get; init; }
    /// <remarks>A setter, not init, so that the default survives the JSON source generator (see PreprocessingConfig).</remarks>
    public int TopK { get; set; } = 5;
    public bool L2Normalize { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    // A JSON null for a non-nullable field (e.g. "outputs": null) is a JsonException, reported with its path, not a null the validator trips on.
    RespectNullableAnnotations = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(ModelConfig))]
internal sealed partial class ModelConfigJsonContext : JsonSerializerContext;
