using Inference.Contracts;

namespace Inference.Service;

/// <summary>Finds the model.json files under the model directory: the directory itself, or each of its subfolders.</summary>
public static class ModelCatalog
{
    public static IReadOnlyList<ModelDefinition> Discover(string modelDirectory, string? modelName)
    {
        if (!Directory.Exists(modelDirectory))
        {
            throw new InvalidOperationException($"MODEL_DIR '{modelDirectory}' does not exist.");
        }

        var own = Path.Combine(modelDirectory, ModelConfigLoader.FileName);
        var files = File.Exists(own)
            ? [own]
            : Directory.EnumerateDirectories(modelDirectory)
                .Select(d => Path.Combine(d, ModelConfigLoader.FileName))
                .Where(File.Exists)
                .Order(StringComparer.Ordinal)
                .ToArray();
        if (files.Length == 0)
        {
            throw new InvalidOperationException(
                $"MODEL_DIR '{modelDirectory}' holds no {ModelConfigLoader.FileName}, neither itself nor in a subfolder.");
        }

        var models = files.Select(file => ModelConfigLoader.Load(file)).ToArray();
        if (modelName is null)
        {
            return models;
        }

        // A comma-separated list picks several: a router's shared function serves its small models, not the bundled large one.
        var names = modelName.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var missing = names.Where(name => models.All(m => m.Name != name)).ToArray();
        return missing.Length == 0 && names.Length > 0
            ? [.. models.Where(m => names.Contains(m.Name))]
            : throw new InvalidOperationException(
                $"MODEL_NAME is '{modelName}' but MODEL_DIR '{modelDirectory}' has only: {string.Join(", ", models.Select(m => m.Name))}.");
    }
}
