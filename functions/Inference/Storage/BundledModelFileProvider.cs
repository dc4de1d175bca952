using Inference.Contracts;

namespace Inference.Storage;

/// <summary>The ONNX file shipped next to model.json. Only the size is checked: hashing it would slow every cold start.</summary>
public sealed class BundledModelFileProvider : IModelFileProvider
{
    public string Source => "bundled";

    public Task<string> GetModelFileAsync(ModelDefinition model, CancellationToken cancellationToken)
    {
        var path = model.BundledModelPath;
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new ModelNotFoundException($"Model '{model.Name}': file '{path}' named by {model.ConfigPath} does not exist.");
        }

        if (model.Config.SizeBytes is { } expected && file.Length != expected)
        {
            throw new ModelIntegrityException(
                $"Model '{model.Name}': file '{path}' has {file.Length} bytes but {model.ConfigPath} declares sizeBytes {expected}.");
        }

        return Task.FromResult(path);
    }
}
