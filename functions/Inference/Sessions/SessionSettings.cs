using Microsoft.ML.OnnxRuntime;

namespace Inference.Sessions;

/// <summary>How ONNX Runtime sessions are created.</summary>
/// <param name="IntraOpThreads">Threads for one operator; matches the vCPUs Lambda gives.</param>
/// <param name="OptimizedModelCacheDirectory">
/// When set, the graph optimised by ORT_ENABLE_ALL is saved there and reused by later processes in the same
/// execution environment. Off by default: writing it slows the first cold start, which is the one that counts.
/// </param>
/// <param name="UsePreoptimizedModels">
/// Open a bundled model's <see cref="PreoptimizedModel"/> (written when the function is published) instead of its ONNX
/// file when there is one: the fastest cold start measured (docs/benchmarks.md). False only to compare against.
/// </param>
/// <param name="AllowSpinning">
/// Let ONNX Runtime's intra-op threads spin between operators instead of sleeping. Off by default: at 2 threads the spinning
/// threads doubled the CPU of a request and made it 1.7-1.9× slower, because they compete with image decoding and the host
/// for the same vCPUs, which Lambda gives in fractions below 3,538 MB (docs/benchmarks.md, power tuning).
/// </param>
/// <param name="Providers">
/// The execution provider the process asked for (INFERENCE_EXECUTION_PROVIDER); null runs on CPU without saying so.
/// On CUDA the session opens the ONNX file itself: the pre-optimised graph and the optimised-model cache hold CPU
/// layout rewrites (ONNX Runtime's advice: an optimised model is for the provider it was optimised on).
/// </param>
public sealed record SessionSettings(int IntraOpThreads, string? OptimizedModelCacheDirectory = null, bool UsePreoptimizedModels = true, bool AllowSpinning = false,
    ExecutionProviderSelection? Providers = null)
{
    public SessionOptions CreateOptions(GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = level,
            IntraOpNumThreads = IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", AllowSpinning ? "1" : "0");
        return options;
    }

    /// <summary>
    /// Creates a session: from the pre-optimised graph when <paramref name="preoptimizedPath"/> names an existing one,
    /// else through the optimised-model cache when one is configured, else from the ONNX file.
    /// </summary>
    public InferenceSession CreateSession(string modelPath, string cacheKey, string? preoptimizedPath = null) =>
        Providers is null
            ? CreateCpuSession(modelPath, cacheKey, preoptimizedPath)
            : Providers.CreateSession(modelPath, () => CreateOptions(), () => CreateCpuSession(modelPath, cacheKey, preoptimizedPath));

    private InferenceSession CreateCpuSession(string modelPath, string cacheKey, string? preoptimizedPath)
    {
        if (UsePreoptimizedModels && preoptimizedPath is not null && File.Exists(preoptimizedPath))
        {
            using var preoptimizedOptions = CreateOptions();
            return new InferenceSession(preoptimizedPath, preoptimizedOptions);
        }

        if (OptimizedModelCacheDirectory is null)
        {
            using var options = CreateOptions();
            return new InferenceSession(modelPath, options);
        }

        var cached = Path.Combine(OptimizedModelCacheDirectory, $"{cacheKey}-t{IntraOpThreads}.optimized.onnx");
        if (File.Exists(cached))
        {
            using var cachedOptions = CreateOptions(GraphOptimizationLevel.ORT_DISABLE_ALL);
            return new InferenceSession(cached, cachedOptions);
        }

        Directory.CreateDirectory(OptimizedModelCacheDirectory);
        var partial = $"{cached}.{Guid.NewGuid():N}.partial";
        using var writing = CreateOptions();
        writing.OptimizedModelFilePath = partial;
        var session = new InferenceSession(modelPath, writing);
        File.Move(partial, cached, overwrite: true); // complete files only, as with downloads
        return session;
    }
}
