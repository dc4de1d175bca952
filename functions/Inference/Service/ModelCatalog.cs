using Inference.Configuration;

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

        var chosen = models.Where(m => m.Name == modelName).ToArray();
        return chosen.Length > 0
            ? chosen
            : throw new InvalidOperationException(
                $"MODEL_NAME is '{modelName}' but MODEL_DIR '{modelDirectory}' has only: {string.Join(", ", models.Select(m => m.Name))}.");
    }
}
