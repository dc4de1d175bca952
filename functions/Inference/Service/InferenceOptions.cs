using Inference.Caching;
using Inference.Contracts;
using Inference.Predictions;
using Inference.Sessions;
using Inference.Storage;

namespace Inference.Service;

/// <summary>Everything the service is configured with; <see cref="FromEnvironment"/> documents the variables.</summary>
public sealed record InferenceOptions
{
    public const long DefaultMaxBodyBytes = 6 * 1024 * 1024;
    public const long DefaultMaxImagePixels = 25_000_000;
    public const string DefaultMetricsNamespace = FunctionMetrics.DefaultNamespace;
    public const int DefaultBatchMaxSize = 16;

    public required string ModelDirectory { get; init; }
    public string? ModelName { get; init; }
    public S3ModelLocation? S3Location { get; init; }

    /// <summary>A version pinned in the model registry; model.json and the ONNX file both come from there, not from MODEL_DIR.</summary>
    public RegistryModel? Registry { get; init; }
    public string CacheDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "models");
    public bool EagerLoading { get; init; } = true;
    public int IntraOpThreads { get; init; } = LambdaCpu.ThreadsFor(null, Environment.ProcessorCount);
    public bool OptimizedModelCache { get; init; }

    /// <summary>Open bundled models from the pre-optimised graph written at publish time, when present (ORT_PREOPTIMIZED_MODEL).</summary>
    public bool PreoptimizedModels { get; init; } = true;

    /// <summary>
    /// Create the preprocessing session and warm image decoding while the model's session is created (INIT_PARALLEL). On by
    /// default where code is JIT-compiled, which the second thread warms up too; off in Native AOT, where it measured 4-6 %
    /// slower than sequential init on two CPUs (docs/benchmarks.md).
    /// </summary>
    public bool ParallelInit { get; init; } = System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeCompiled;

    /// <summary>Let ONNX Runtime's idle intra-op threads spin instead of sleeping (ORT_ALLOW_SPINNING); see <see cref="SessionSettings"/>.</summary>
    public bool AllowSpinning { get; init; }
    public long MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;
    public long MaxImagePixels { get; init; } = DefaultMaxImagePixels;
    public string MetricsNamespace { get; init; } = DefaultMetricsNamespace;
    /// <summary>The most images one model run takes in a batch prediction (models with a dynamic batch dimension only).</summary>
    public int BatchMaxSize { get; init; } = DefaultBatchMaxSize;

    /// <summary>The execution provider asked for (INFERENCE_EXECUTION_PROVIDER and friends); null when unset: CPU, unannounced.</summary>
    public ExecutionProviderSettings? ExecutionProvider { get; init; }

    /// <summary>Stacking concurrent single /predict requests into one model run (INFERENCE_DYNAMIC_BATCH_*); off by default.</summary>
    public DynamicBatchOptions DynamicBatch { get; init; } = DynamicBatchOptions.Off;
    public PredictionCacheOptions Cache { get; init; } = new();
    public PredictionLogOptions PredictionLog { get; init; } = new();
    public Feedback.FeedbackOptions Feedback { get; init; } = new();

    public SessionSettings SessionSettings =>
        new(IntraOpThreads, OptimizedModelCache ? Path.Combine(CacheDirectory, "optimized") : null, PreoptimizedModels, AllowSpinning);

    /// <summary>Reads the options from environment variables (see functions/README.md), failing with a message naming the variable.</summary>
    public static InferenceOptions FromEnvironment(Func<string, string?> env, int processorCount)
    {
        var values = new EnvironmentValues(env);
        var bucket = values.Get(FunctionEnvironment.ModelS3Bucket);
        var key = values.Get(FunctionEnvironment.ModelS3Key);
        if ((bucket is null) != (key is null))
        {
            throw new InvalidOperationException("MODEL_S3_BUCKET and MODEL_S3_KEY must be set together (or neither, for a bundled model).");
        }

        var registry = RegistryFromEnvironment(values, bucket);
        var memory = (int?)values.Long("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", 128, 10_240);
        var defaults = new InferenceOptions { ModelDirectory = "" };
        return new InferenceOptions
        {
            ModelDirectory = values.Get(FunctionEnvironment.ModelDirectory) ?? Path.Combine(AppContext.BaseDirectory, "models"),
            ModelName = values.Get(FunctionEnvironment.ModelName),
            S3Location = bucket is null ? null : new S3ModelLocation(bucket, key!, values.Get(FunctionEnvironment.ModelS3Version)),
            Registry = registry,
            CacheDirectory = values.Get(FunctionEnvironment.ModelCacheDirectory) ?? defaults.CacheDirectory,
            EagerLoading = values.Get(FunctionEnvironment.ModelLoading) switch
            {
                null or "eager" => true,
                "lazy" => false,
                var other => throw new InvalidOperationException($"MODEL_LOADING is '{other}'; allowed: eager, lazy."),
            },
            IntraOpThreads = (int?)values.Long(FunctionEnvironment.IntraOpThreads, 1, 64) ?? LambdaCpu.ThreadsFor(memory, processorCount),
            OptimizedModelCache = values.Get(FunctionEnvironment.OptimizedModelCache) switch
            {
                null or "false" => false,
                "true" => true,
                var other => throw new InvalidOperationException($"ORT_OPTIMIZED_MODEL_CACHE is '{other}'; allowed: true, false."),
            },
            PreoptimizedModels = Flag(values, FunctionEnvironment.PreoptimizedModel, defaults.PreoptimizedModels),
            ParallelInit = Flag(values, FunctionEnvironment.ParallelInit, defaults.ParallelInit),
            AllowSpinning = Flag(values, FunctionEnvironment.AllowSpinning, defaults.AllowSpinning),
            MaxBodyBytes = MaxBodyBytesFrom(values),
            MaxImagePixels = values.Long(FunctionEnvironment.MaxImagePixels, 1, 1L << 32) ?? DefaultMaxImagePixels,
            MetricsNamespace = values.Get(FunctionEnvironment.MetricsNamespace) ?? DefaultMetricsNamespace,
            BatchMaxSize = (int?)values.Long(FunctionEnvironment.BatchMaxSize, 1, 1024) ?? DefaultBatchMaxSize,
            ExecutionProvider = ExecutionProviderFrom(values),
            DynamicBatch = DynamicBatchOptions.FromEnvironment(values),
            Cache = PredictionCacheOptions.FromEnvironment(values),
            PredictionLog = PredictionLogOptions.FromEnvironment(values),
            Feedback = Inference.Feedback.FeedbackOptions.FromEnvironment(values),
        };
    }

    /// <summary>MAX_BODY_BYTES: the largest request body, which the batch host also applies to the input objects it reads.</summary>
    public static long MaxBodyBytesFrom(EnvironmentValues values) => values.Long(FunctionEnvironment.MaxBodyBytes, 1, int.MaxValue) ?? DefaultMaxBodyBytes;

    private static ExecutionProviderSettings? ExecutionProviderFrom(EnvironmentValues values)
    {
        var name = values.Get(FunctionEnvironment.ExecutionProvider);
        var deviceId = (int?)values.Long(FunctionEnvironment.CudaDeviceId, 0, 64);
        var strict = Flag(values, FunctionEnvironment.ExecutionProviderStrict, false);
        if (name is null)
        {
            return deviceId is null && !strict
                ? null
                : throw new InvalidOperationException($"{FunctionEnvironment.CudaDeviceId} or {FunctionEnvironment.ExecutionProviderStrict} is set but " +
                    $"{FunctionEnvironment.ExecutionProvider} is not; allowed: {FunctionEnvironment.ExecutionProvider}=cuda with them.");
        }

        var kind = ExecutionProviderSettings.Parse(name)
            ?? throw new InvalidOperationException($"{FunctionEnvironment.ExecutionProvider} is '{name}'; allowed: {string.Join(", ", ExecutionProviderSettings.Names)}.");
        return new ExecutionProviderSettings(kind, deviceId ?? 0, strict);
    }

    private static bool Flag(EnvironmentValues values, string name, bool fallback) => values.Get(name) switch
    {
        null => fallback,
        "true" => true,
        "false" => false,
        var other => throw new InvalidOperationException($"{name} is '{other}'; allowed: true, false."),
    };

    private static RegistryModel? RegistryFromEnvironment(EnvironmentValues values, string? s3Bucket)
    {
        if (values.Get(FunctionEnvironment.ModelRegistryBucket) is not { } bucket)
        {
            return null;
        }

        if (s3Bucket is not null)
        {
            throw new InvalidOperationException("MODEL_REGISTRY_BUCKET and MODEL_S3_BUCKET are both set; allowed: one model source (the registry, or MODEL_DIR with MODEL_S3_*).");
        }

        var name = values.Get(FunctionEnvironment.ModelName);
        if (!ModelConfigLoader.IsValidName(name))
        {
            throw new InvalidOperationException($"MODEL_NAME is '{name}'; with MODEL_REGISTRY_BUCKET it is required: {ModelConfigLoader.NameRules}.");
        }

        var version = values.Get(FunctionEnvironment.ModelVersion);
        if (!SemanticVersion.IsValid(version))
        {
            throw new InvalidOperationException($"MODEL_VERSION is '{version}'; with MODEL_REGISTRY_BUCKET it is required: {SemanticVersion.Rules}.");
        }

        return new RegistryModel(bucket, name!, version!);
    }
}
