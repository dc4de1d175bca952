using System.Security.Cryptography;
using Inference.Contracts;

namespace Infra.Quantization;

public sealed record DynamicBatchResult(string ModelPath, string ModelConfigPath, IReadOnlyList<string> Changes, ModelConfig Config);

/// <summary>
/// A model (its model.json) in, a copy whose batch dimension is dynamic out: the ONNX file rewritten by
/// <see cref="DynamicBatchRewriter"/>, its side files, and a model.json whose first input and output dimensions are -1.
/// </summary>
public static class DynamicBatchModel
{
    public static DynamicBatchResult Write(string modelConfigPath, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(modelConfigPath);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        var definition = ModelQuantizer.LoadDefinition(modelConfigPath);
        var output = Path.GetFullPath(outputDirectory);
        var outputConfig = Path.Combine(output, ModelConfigLoader.FileName);
        if (File.Exists(outputConfig))
        {
            throw new QuantizationException($"--out {outputDirectory}: already holds a {ModelConfigLoader.FileName}; choose a new folder (nothing is overwritten)");
        }

        var model = OnnxModelFile.Load(definition.BundledModelPath);
        var changes = DynamicBatchRewriter.Rewrite(model);
        Directory.CreateDirectory(output);
        var fileName = Path.GetFileNameWithoutExtension(definition.Config.File) + ".dynamic-batch.onnx";
        var modelPath = Path.Combine(output, fileName);
        OnnxModelFile.Save(model, modelPath);
        ModelQuantizer.CopySideFiles(definition, output);
        using var stream = File.OpenRead(modelPath);
        var config = definition.Config with
        {
            File = fileName,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(stream)),
            SizeBytes = stream.Length,
            CreatedAt = null,
            Inputs = [.. definition.Config.Inputs.Select(DynamicFirst)],
            Outputs = [.. definition.Config.Outputs.Select(DynamicFirst)],
        };
        File.WriteAllText(outputConfig, ModelConfigLoader.Serialize(config));
        ModelConfigLoader.Load(outputConfig); // the written model.json passes the function's own validation
        return new DynamicBatchResult(modelPath, outputConfig, changes, config);
    }

    private static TensorSpec DynamicFirst(TensorSpec spec) => spec.Shape.Count == 0 ? spec : spec with { Shape = [-1, .. spec.Shape.Skip(1)] };
}
