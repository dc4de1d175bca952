using System.Buffers;
using System.Text;
using System.Text.Json;
using Inference.Contracts;
using Inference.Sessions;

namespace Inference.Telemetry;

/// <summary>
/// Writes one JSON line per request and one per model load. Each line is both a structured log record and a
/// CloudWatch Embedded Metric Format document, so CloudWatch extracts the metrics from the log itself.
/// </summary>
public sealed partial class TelemetryWriter(TextWriter output, string metricsNamespace)
{
    /// <summary>The dimension value used when a request names no model this process serves.</summary>
    public const string NoModel = "(none)";

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Lock _lock = new();

    public string MetricsNamespace { get; } = metricsNamespace;

    /// <summary>
    /// The traffic-split variant this writer's service is (docs/rollout.md); null without a split. When set, every
    /// metric is also published per <c>[Model, Variant]</c>, beside the usual <c>[Model, ModelVersion]</c>.
    /// </summary>
    public string? Variant { get; init; }

    /// <summary>
    /// The execution provider selection of a process configured with one (INFERENCE_EXECUTION_PROVIDER); null otherwise. Once
    /// decided, every metric is also published per <c>[Model, ExecutionProvider]</c>, the provider that actually runs.
    /// </summary>
    public ExecutionProviderSelection? ExecutionProviders { get; init; }

    private string? ExecutionProvider => ExecutionProviders?.Choice?.ActualName;

    public void WriteRequest(RequestRecord r)
    {
        // A shared-cache failure is reported once per outage (WriteCacheOutage), not as a WARN on every request it touches.
        var degraded = r.PredictionLogError is not null;
        Write(r.Status >= 500 ? "ERROR" : r.Status >= 400 || degraded ? "WARN" : "INFO", "request", w =>
        {
            w.WriteString("requestId", r.RequestId);
            w.WriteString("method", r.Method);
            w.WriteString("path", r.Path);
            w.WriteNumber("status", r.Status);
            if (r.ErrorCode is not null)
            {
                w.WriteString("errorCode", r.ErrorCode);
                w.WriteString("error", r.ErrorMessage);
            }

            w.WriteStartObject("latencyMs");
            w.WriteNumber("total", Round(r.TotalMs));
            w.WriteNumber("decode", Round(r.DecodeMs));
            w.WriteNumber("preprocess", Round(r.PreprocessMs));
            w.WriteNumber("inference", Round(r.InferenceMs ?? 0));
            w.WriteNumber("serialize", Round(r.SerializeMs));
            w.WriteEndObject();
            if (r.BatchSize is { } batchSize)
            {
                w.WriteNumber("batchSize", batchSize); // latencyMs.inference is then the whole batch's run
            }

            w.WriteBoolean("coldStart", r.ColdStart);
            w.WriteNumber("requestBytes", r.RequestBytes);
            w.WriteNumber("responseBytes", r.ResponseBytes);
            WriteCacheAndLogFields(w, r);
            if (r.Shadow)
            {
                // A shadow call's metrics are the "shadow" line's (ShadowLatency, ShadowErrors), so that they never mix with live traffic.
                w.WriteBoolean("shadow", true);
                WriteDimensions(w, r.Model, r.ModelVersion);
                return;
            }

            WriteEmfHeader(w, r.ErrorCode is not null, RequestMetrics(r));
            WriteDimensions(w, r.Model, r.ModelVersion);
            w.WriteNumber(FunctionMetrics.Latency.Name, Round(r.TotalMs));
            if (r.InferenceMs is { } inferenceMs)
            {
                w.WriteNumber(FunctionMetrics.InferenceLatency.Name, Round(inferenceMs));
            }

            w.WriteNumber(FunctionMetrics.ColdStart.Name, r.ColdStart ? 1 : 0);
            w.WriteNumber(FunctionMetrics.Predictions.Name, r.Predicted ? 1 : 0);
            if (r.Cache is not null)
            {
                w.WriteNumber(FunctionMetrics.CacheHits.Name, r.Cache == "hit" ? 1 : 0);
                w.WriteNumber(FunctionMetrics.CacheMisses.Name, r.Cache == "miss" ? 1 : 0);
            }

            if (r.CacheError is not null)
            {
                w.WriteNumber(FunctionMetrics.CacheErrors.Name, 1);
            }

            if (r.PredictionLogError is not null)
            {
                w.WriteNumber(FunctionMetrics.PredictionLogErrors.Name, 1);
            }

            if (r.ErrorCode is not null)
            {
                w.WriteString(FunctionMetrics.ErrorCode, r.ErrorCode);
                w.WriteNumber(FunctionMetrics.Errors.Name, 1);
            }
        });
    }

    public void WriteModelLoad(ModelDefinition model, ModelLoadTimings timings, string source)
    {
        Write("INFO", "model_loaded", w =>
        {
            w.WriteString("source", source);
            w.WriteNumber("fetchMs", Round(timings.FetchMs));
            w.WriteNumber("sessionMs", Round(timings.SessionMs));
            WriteEmfHeader(w, withErrors: false, [FunctionMetrics.ModelLoadMs]);
            WriteDimensions(w, model.Name, model.Version);
            w.WriteNumber(FunctionMetrics.ModelLoadMs.Name, Round(timings.TotalMs));
        });
    }

    /// <summary>A predictions log write made outside a request (a batch input that never reached the model) failed.</summary>
    public void WritePredictionLogError(string model, string modelVersion, string inputKey, string error)
    {
        Write("WARN", "prediction_log_failed", w =>
        {
            w.WriteString("inputKey", inputKey);
            w.WriteString("predictionLogError", error);
            WriteEmfHeader(w, withErrors: false, [FunctionMetrics.PredictionLogErrors]);
            WriteDimensions(w, model, modelVersion);
            w.WriteNumber(FunctionMetrics.PredictionLogErrors.Name, 1);
        });
    }

    /// <summary>The shared cache stopped answering; written once, when the outage begins.</summary>
    public void WriteCacheOutage(string error) => Write("WARN", "prediction_cache_unavailable", w => w.WriteString("error", error));

    /// <summary>The shared cache answers again after an outage of <paramref name="failedCalls"/> failed calls.</summary>
    public void WriteCacheRecovered(long failedCalls, TimeSpan duration) => Write("INFO", "prediction_cache_recovered", w =>
    {
        w.WriteNumber("failedCalls", failedCalls);
        w.WriteNumber("outageMs", Round(duration.TotalMilliseconds));
    });

    /// <summary>
    /// Which execution provider the sessions run on, written once when the first session decides it: requested, actual and,
    /// when they differ, why (a WARN, with <c>ExecutionProviderFallback</c> 1 for an alarm).
    /// </summary>
    public void WriteExecutionProvider(ExecutionProviderChoice choice) => Write(choice.FellBack ? "WARN" : "INFO", "execution_provider", w =>
    {
        w.WriteString("requested", choice.RequestedName);
        w.WriteString("actual", choice.ActualName);
        if (choice.Requested == ExecutionProviderKind.Cuda)
        {
            w.WriteNumber("deviceId", choice.DeviceId);
        }

        if (choice.Reason is not null)
        {
            w.WriteString("reason", choice.Reason);
        }

        WriteEmf(w, ([[FunctionMetrics.ExecutionProvider]], [FunctionMetrics.ExecutionProviderFallback]));
        w.WriteString(FunctionMetrics.ExecutionProvider, choice.ActualName);
        w.WriteNumber(FunctionMetrics.ExecutionProviderFallback.Name, choice.FellBack ? 1 : 0);
    });

    /// <summary>Something degraded outside a request (e.g. at init) that does not stop the function.</summary>
    public void WriteWarning(string message, string error) => Write("WARN", message, w => w.WriteString("error", error));

    /// <summary>
    /// A line of a part of the function other than the model service (e.g. an ensemble): its own fields, and the
    /// given metrics under the <c>Model</c> and <c>ModelVersion</c> dimensions.
    /// </summary>
    public void WriteModelEvent(string level, string message, string model, string modelVersion,
        IReadOnlyList<(FunctionMetric Metric, double Value)> metrics, Action<Utf8JsonWriter> fields) => Write(level, message, w =>
    {
        fields(w);
        WriteEmfHeader(w, withErrors: false, [.. metrics.Select(m => m.Metric)]);
        WriteDimensions(w, model, modelVersion);
        foreach (var (metric, value) in metrics)
        {
            w.WriteNumber(metric.Name, Round(value));
        }
    });

    /// <summary>Builds and writes the line under one lock, so lines never interleave, whatever the TextWriter.</summary>
    private void Write(string level, string message, Action<Utf8JsonWriter> body)
    {
        lock (_lock)
        {
            _buffer.ResetWrittenCount();
            using (var w = new Utf8JsonWriter(_buffer, Protocol.JsonBody.Options))
            {
                w.WriteStartObject();
                w.WriteString("timestamp", DateTimeOffset.UtcNow);
                w.WriteString("level", level);
                w.WriteString("message", message);
                body(w);
                w.WriteEndObject();
            }

            output.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan) + "\n");
        }
    }

    private void WriteEmfHeader(Utf8JsonWriter w, bool withErrors, FunctionMetric[] metrics)
    {
        var provider = ExecutionProvider is not null;
        List<IReadOnlyList<string>> requestSets = [FunctionMetrics.ByVersion];
        List<IReadOnlyList<string>> errorSets = [FunctionMetrics.ErrorsByVersion];
        if (Variant is not null)
        {
            requestSets.Add(FunctionMetrics.ByVariant);
            errorSets.Add(FunctionMetrics.ErrorsByVariant);
        }

        if (provider)
        {
            requestSets.Add(FunctionMetrics.ByExecutionProvider);
            errorSets.Add(FunctionMetrics.ErrorsByExecutionProvider);
        }

        (IReadOnlyList<string>[], FunctionMetric[]) requests = ([.. requestSets], metrics);
        (IReadOnlyList<string>[], FunctionMetric[]) errors = ([.. errorSets], [FunctionMetrics.Errors]);
        WriteEmf(w, withErrors ? [requests, errors] : [requests]);
    }

    /// <summary>The EMF <c>_aws</c> member: a timestamp and one metric directive per (dimension sets, metrics) pair.</summary>
    private void WriteEmf(Utf8JsonWriter w, params (IReadOnlyList<string>[] DimensionSets, FunctionMetric[] Metrics)[] directives)
    {
        w.WriteStartObject("_aws");
        w.WriteNumber("Timestamp", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        w.WriteStartArray("CloudWatchMetrics");
        foreach (var (dimensionSets, metrics) in directives)
        {
            WriteDirective(w, dimensionSets, metrics);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private void WriteDirective(Utf8JsonWriter w, IReadOnlyList<string>[] dimensionSets, FunctionMetric[] metrics)
    {
        w.WriteStartObject();
        w.WriteString("Namespace", MetricsNamespace);
        w.WriteStartArray("Dimensions");
        foreach (var dimensions in dimensionSets)
        {
            w.WriteStartArray();
            foreach (var dimension in dimensions)
            {
                w.WriteStringValue(dimension);
            }

            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteStartArray("Metrics");
        foreach (var metric in metrics)
        {
            w.WriteStartObject();
            w.WriteString("Name", metric.Name);
            w.WriteString("Unit", metric.Unit);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static FunctionMetric[] RequestMetrics(RequestRecord r)
    {
        var metrics = new List<FunctionMetric>(8) { FunctionMetrics.Latency, FunctionMetrics.ColdStart, FunctionMetrics.Predictions };
        if (r.InferenceMs is not null)
        {
            metrics.Add(FunctionMetrics.InferenceLatency);
        }

        if (r.Cache is not null)
        {
            metrics.Add(FunctionMetrics.CacheHits);
            metrics.Add(FunctionMetrics.CacheMisses);
        }

        if (r.CacheError is not null)
        {
            metrics.Add(FunctionMetrics.CacheErrors);
        }

        if (r.PredictionLogError is not null)
        {
            metrics.Add(FunctionMetrics.PredictionLogErrors);
        }

        return [.. metrics];
    }

    private static void WriteCacheAndLogFields(Utf8JsonWriter w, RequestRecord r)
    {
        if (r.Cache is not null)
        {
            w.WriteString("cache", r.Cache);
        }

        if (r.CacheSource is not null)
        {
            w.WriteString("cacheSource", r.CacheSource);
        }

        if (r.CacheError is not null)
        {
            w.WriteString("cacheError", r.CacheError);
        }

        if (r.CacheStoreSkipped)
        {
            w.WriteBoolean("cacheStoreSkipped", true);
        }

        if (r.PredictionLogged)
        {
            w.WriteBoolean("predictionLogged", true);
        }

        if (r.PredictionLogError is not null)
        {
            w.WriteString("predictionLogError", r.PredictionLogError);
        }
    }

    private void WriteDimensions(Utf8JsonWriter w, string? model, string? version)
    {
        w.WriteString(FunctionMetrics.Model, model ?? NoModel);
        w.WriteString(FunctionMetrics.ModelVersion, version ?? NoModel);
        if (Variant is not null)
        {
            w.WriteString(FunctionMetrics.Variant, Variant);
        }

        if (ExecutionProvider is { } provider)
        {
            w.WriteString(FunctionMetrics.ExecutionProvider, provider);
        }
    }

    private static double Round(double ms) => Math.Round(ms, 3);
}
