using System.Runtime.CompilerServices;
using Inference.Configuration;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Runtime;

/// <summary>
/// A bundled model's graph, optimised once when the function is published and saved in ONNX Runtime's own
/// (ORT, flatbuffer) format next to the ONNX file, so that a cold start neither parses protobuf nor re-runs
/// the graph optimisers. It is saved at ORT_ENABLE_EXTENDED: those fusions do not depend on the CPU, while
/// the layout (NCHWc) rewrites of ORT_ENABLE_ALL do (AVX2 and AVX-512 use different block sizes), so they
/// still run at load, on the CPU that Lambda gives. The name carries the ONNX file's sha256 from model.json:
/// a changed model never meets a stale optimised graph.
/// </summary>
public static class PreoptimizedModel
{
    /// <summary>Keeps each session's model bytes alive for as long as the session: ONNX Runtime reads its weights from them.</summary>
    private static readonly ConditionalWeakTable<InferenceSession, byte[]> ModelBytes = [];

    /// <summary>The optimised file for a model, or null when its model.json declares no sha256 (nothing to tie the file to).</summary>
    public static string? PathFor(ModelDefinition definition) =>
        definition.Config.Sha256 is { } sha256 ? $"{definition.BundledModelPath}.{sha256[..16]}.ort" : null;

    /// <summary>Optimises the ONNX file and writes the ORT-format graph to <paramref name="target"/> (complete files only).</summary>
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
            options.AddSessionConfigEntry("session.save_model_format", "ORT");
            using var session = new InferenceSession(onnxPath, options);
        }

        File.Move(partial, target, overwrite: true);
    }

    /// <summary>
    /// Opens an ORT-format file from memory. ONNX Runtime then uses the bytes in place, weights included, instead
    /// of copying every initializer out of the file; the array is pinned and lives as long as the session.
    /// </summary>
    public static InferenceSession Open(string ortPath, SessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var file = new FileStream(ortPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)file.Length), pinned: true);
        file.ReadExactly(bytes);
        options.AddSessionConfigEntry("session.load_model_format", "ORT");
        options.AddSessionConfigEntry("session.use_ort_model_bytes_directly", "1");
        options.AddSessionConfigEntry("session.use_ort_model_bytes_for_initializers", "1");
        var session = new InferenceSession(bytes, options);
        ModelBytes.Add(session, bytes);
        return session;
    }
}
