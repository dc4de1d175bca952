using System.Security.Cryptography;
using Inference.Contracts;
using Inference.Service;

namespace Inference.Sessions;

/// <summary>
/// Publish-time step (<c>InferenceFunction --prepare-models</c>, run by the function's publish target): writes each
/// bundled model's <see cref="PreoptimizedModel"/> and removes optimised graphs of earlier model files, so that
/// the package carries exactly one per model. Models whose model.json has no sha256 are left as they are.
/// </summary>
public static class ModelPreparation
{
    /// <returns>How many optimised graphs were written (0 when all were current).</returns>
    public static int Run(string modelDirectory, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var written = 0;
        foreach (var definition in ModelCatalog.Discover(modelDirectory, modelName: null))
        {
            if (PreoptimizedModel.PathFor(definition) is not { } target)
            {
                log.WriteLine($"prepare-models: {definition.Name}: no sha256 in {definition.ConfigPath}, no pre-optimised graph");
                continue;
            }

            // Not the pattern "{file}.*": .NET lets its ".*" match nothing, which would take the ONNX file itself.
            var derived = definition.Config.File + ".";
            var current = new[] { target, PreoptimizedModel.DataPathFor(target) };
            foreach (var stale in Directory.EnumerateFiles(definition.Directory).Where(f => Path.GetFileName(f).StartsWith(derived, StringComparison.Ordinal) && !current.Contains(f)))
            {
                File.Delete(stale);
            }

            if (current.All(File.Exists)) // a graph without its weights file is from before they moved out: rewrite it
            {
                continue;
            }

            // Build time can afford the hash that a cold start cannot: never optimise a file model.json does not describe.
            var onnx = definition.BundledModelPath;
            using (var stream = File.OpenRead(onnx))
            {
                var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
                if (!string.Equals(actual, definition.Config.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ModelConfigException(definition.ConfigPath, "sha256", definition.Config.Sha256,
                        $"allowed: the sha256 of '{onnx}', which is {actual}");
                }
            }

            PreoptimizedModel.Write(onnx, target);
            var bytes = current.Where(File.Exists).Sum(f => new FileInfo(f).Length);
            log.WriteLine($"prepare-models: {definition.Name}: wrote {Path.GetFileName(target)} and its weights ({bytes / 1e6:0.0} MB)");
            written++;
        }

        return written;
    }
}
