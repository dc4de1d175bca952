namespace Inference.Contracts;

/// <summary>One metric the inference function publishes: its name, its EMF unit, and every dimension set it can carry.</summary>
public sealed record FunctionMetric(string Name, string Unit, IReadOnlyList<IReadOnlyList<string>> DimensionSets);

/// <summary>
/// The CloudWatch metrics the inference function writes in its Embedded Metric Format log lines, declared once for the
/// function (which writes them) and the infrastructure components (whose alarms and dashboards watch them).
/// </summary>
public static class FunctionMetrics
{
    /// <summary>The namespace when the function's <see cref="FunctionEnvironment.MetricsNamespace"/> is unset.</summary>
    public const string DefaultNamespace = "ServerlessInference";

    public const string Model = "Model";
    public const string ModelVersion = "ModelVersion";

    /// <summary>The traffic-split variant a process serves (or, on shadow metrics, the shadow candidate).</summary>
    public const string Variant = "Variant";

    public const string ErrorCode = "ErrorCode";

    /// <summary>The ONNX Runtime execution provider that actually runs the sessions (cpu, cuda), where one was configured.</summary>
    public const string ExecutionProvider = "ExecutionProvider";

    // EMF units (the CloudWatch StandardUnit names).
    public const string Milliseconds = "Milliseconds";
    public const string Count = "Count";
    public const string Percent = "Percent";

    public static readonly IReadOnlyList<string> ByVersion = [Model, ModelVersion];

    /// <summary>Written beside <see cref="ByVersion"/> only by a process that serves a traffic-split variant.</summary>
    public static readonly IReadOnlyList<string> ByVariant = [Model, Variant];

    /// <summary>Written beside <see cref="ByVersion"/> only by a process configured with an execution provider.</summary>
    public static readonly IReadOnlyList<string> ByExecutionProvider = [Model, ExecutionProvider];

    public static readonly IReadOnlyList<string> ErrorsByVersion = [Model, ModelVersion, ErrorCode];

    public static readonly IReadOnlyList<string> ErrorsByExecutionProvider = [Model, ExecutionProvider, ErrorCode];

    public static readonly IReadOnlyList<string> ErrorsByVariant = [Model, Variant, ErrorCode];

    // Per request (and per model load, ensemble request or failed prediction-log write).
    public static readonly FunctionMetric Latency = PerRequest("Latency", Milliseconds);
    public static readonly FunctionMetric InferenceLatency = PerRequest("InferenceLatency", Milliseconds);
    public static readonly FunctionMetric ColdStart = PerRequest("ColdStart", Count);
    public static readonly FunctionMetric Predictions = PerRequest("Predictions", Count);
    public static readonly FunctionMetric CacheHits = PerRequest("CacheHits", Count);
    public static readonly FunctionMetric CacheMisses = PerRequest("CacheMisses", Count);
    public static readonly FunctionMetric CacheErrors = PerRequest("CacheErrors", Count);
    public static readonly FunctionMetric PredictionLogErrors = PerRequest("PredictionLogErrors", Count);
    public static readonly FunctionMetric ModelLoadMs = PerRequest("ModelLoadMs", Milliseconds);
    public static readonly FunctionMetric EnsembleDegraded = PerRequest("EnsembleDegraded", Count);
    public static readonly FunctionMetric EnsembleMemberFailures = PerRequest("EnsembleMemberFailures", Count);

    /// <summary>1 per failed request, with the error's code as a further dimension.</summary>
    public static readonly FunctionMetric Errors = new("Errors", Count, [ErrorsByVersion, ErrorsByVariant, ErrorsByExecutionProvider]);

    /// <summary>
    /// Once per process that was configured with an execution provider: 1 when the requested one could not run and the
    /// sessions fell back to CPU, else 0; its dimension is the provider that actually runs.
    /// </summary>
    public static readonly FunctionMetric ExecutionProviderFallback = new("ExecutionProviderFallback", Count, [[ExecutionProvider]]);

    // Per feedback, under the version that made the prediction.
    public static readonly FunctionMetric Feedback = new("Feedback", Count, [ByVersion]);
    public static readonly FunctionMetric FeedbackCorrect = new("FeedbackCorrect", Count, [ByVersion]);
    public static readonly FunctionMetric Accuracy = new("Accuracy", Percent, [ByVersion]);

    // Per shadow call, under the candidate variant.
    public static readonly FunctionMetric ShadowRequests = new("ShadowRequests", Count, [ByVariant]);
    public static readonly FunctionMetric ShadowLatency = new("ShadowLatency", Milliseconds, [ByVariant]);
    public static readonly FunctionMetric ShadowErrors = new("ShadowErrors", Count, [ByVariant]);
    public static readonly FunctionMetric ShadowTop1Match = new("ShadowTop1Match", Count, [ByVariant]);
    public static readonly FunctionMetric ShadowCosine = new("ShadowCosine", Count, [ByVariant]);

    /// <summary>Every metric the function publishes.</summary>
    public static IReadOnlyList<FunctionMetric> All { get; } =
    [
        Latency, InferenceLatency, ColdStart, Predictions, CacheHits, CacheMisses, CacheErrors, PredictionLogErrors, ModelLoadMs,
        EnsembleDegraded, EnsembleMemberFailures, Errors, Feedback, FeedbackCorrect, Accuracy,
        ShadowRequests, ShadowLatency, ShadowErrors, ShadowTop1Match, ShadowCosine, ExecutionProviderFallback,
    ];

    private static FunctionMetric PerRequest(string name, string unit) => new(name, unit, [ByVersion, ByVariant, ByExecutionProvider]);
}
