using Inference.Contracts;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Sessions;

/// <summary>
/// A bundled model's graph, optimised once when the function is published at ORT_ENABLE_EXTENDED and saved as ONNX next
/// to the model's file, so that a cold start skips those optimisers (about half of session creation for ResNet18).
/// The layout (NCHWc) rewrites of ORT_ENABLE_ALL still run at load: they depend on the CPU (AVX2 and AVX-512 use
/// different block sizes), and Lambda's CPU is not the build machine's. The graph stays ONNX rather than ONNX Runtime's
/// ORT format on purpose: ONNX Runtime applies no NCHWc layout to an ORT-format model, which then runs every request
/// 17-34 % slower (docs/benchmarks.md). The weights go to a data file beside the graph (ONNX external data), which
/// ONNX Runtime maps into memory instead of copying out of the protobuf: 0.55-0.60× the session creation, and about
/// 50 MB less peak memory for the function serving ResNet18. The name carries the ONNX file's sha256 from model.json: a changed model never meets
/// a stale optimised graph.
/// </summary>
public static class PreoptimizedModel
{
    /// <summary>The optimised file for a model, or null when its model.json declares no sha256 (nothing to tie the file to).</summary>
    public static string? PathFor(ModelDefinition definition) =>
        definition.Config.Sha256 is { } sha256 ? $"{definition.BundledModelPath}.{sha256[..16]}.extended.onnx" : null;

    /// <summary>The weights file of the graph at <paramref name="graphPath"/>, named inside the graph.</summary>
    public static string DataPathFor(string graphPath) => graphPath + ".data";

    /// <summary>
    /// Optimises the ONNX file and writes the graph to <paramref name="target"/> and its weights to <see cref="DataPathFor"/>.
    /// The graph is written under a temporary name and renamed last, so a graph that exists always has complete weights.
    /// </summary>
    public static void Write(string onnxPath, string target)
    {
        var partial = $"{target}.{Guid.NewGuid():N}.partial";
        using (var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            OptimizedModelFilePath = partial,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        })
        {
            // Relative to the graph's folder, as ONNX external data must be.
            options.AddSessionConfigEntry("session.optimized_model_external_initializers_file_name", Path.GetFileName(DataPathFor(target)));
            options.AddSessionConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
            using var session = new InferenceSession(onnxPath, options);
        }

        File.Move(partial, target, overwrite: true);
    }
}
