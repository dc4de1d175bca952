using System.Text.Json;
using Inference.Contracts;
using Inference.Sessions;
using Inference.Telemetry;

namespace Components.Tests.Monitoring;

/// <summary>One metric as an EMF directive declares it: namespace, name, unit and one dimension set (names in order).</summary>
internal sealed record EmittedMetric(string Namespace, string Name, string Unit, IReadOnlyList<string> Dimensions)
{
    public bool Matches(string metricNamespace, string name, IEnumerable<string> dimensions) =>
        Namespace == metricNamespace && Name == name
        && Dimensions.Order(StringComparer.Ordinal).SequenceEqual(dimensions.Order(StringComparer.Ordinal));

    public override string ToString() => $"{Namespace} {Name} [{string.Join(", ", Dimensions)}] ({Unit})";
}

/// <summary>
/// What the inference function really publishes: the function's own <see cref="TelemetryWriter"/> writes a line for every
/// kind of event (a prediction, a failed request, cache and predictions-log trouble, a model load, a feedback, a shadow
/// call), once as a plain process, once as a traffic-split variant and once as a process configured with an execution provider
/// (which also writes its execution_provider line), and the EMF directives of those lines are read
/// back the way CloudWatch reads them (<c>_aws.CloudWatchMetrics[].Namespace / Dimensions / Metrics</c>).
/// </summary>
internal static class EmittedFunctionMetrics
{
    public static IReadOnlyList<EmittedMetric> For(string metricsNamespace) =>
        [.. Lines(metricsNamespace).SelectMany(Directives).Distinct(new Comparer())];

    private static IEnumerable<JsonElement> Lines(string metricsNamespace)
    {
        using var output = new StringWriter();
        TelemetryWriter? announcing = null;
        var cudaOnCpu = new ExecutionProviderSelection(new ExecutionProviderSettings(ExecutionProviderKind.Cuda), choice => announcing!.WriteExecutionProvider(choice));
        var providerWriter = announcing = new TelemetryWriter(output, metricsNamespace) { ExecutionProviders = cudaOnCpu };
        // Opening a session decides the provider (here, with the CPU package: a fallback) and writes the execution_provider line.
        var graph = Path.Combine(AppContext.BaseDirectory, "models", "resnet18", "ResNetPreprocess.onnx");
        using (cudaOnCpu.CreateSession(graph, () => new SessionSettings(1).CreateOptions(), () => new Microsoft.ML.OnnxRuntime.InferenceSession(graph)))
        {
        }

        foreach (var writer in new[] { new TelemetryWriter(output, metricsNamespace), new TelemetryWriter(output, metricsNamespace) { Variant = "b" }, providerWriter })
        {
            writer.WriteRequest(new RequestRecord("r1", "POST", "/v2/models/resnet18/infer", 100)
            {
                Model = "resnet18", ModelVersion = "0.23.1", Status = 200, ColdStart = true, Predicted = true, InferenceMs = 3, TotalMs = 5, Cache = "miss",
            });
            writer.WriteRequest(new RequestRecord("r2", "POST", "/v2/models/resnet18/infer", 100)
            {
                Model = "resnet18", ModelVersion = "0.23.1", Status = 400, ErrorCode = "INVALID_INPUT", ErrorMessage = "bad", TotalMs = 1,
            });
            writer.WriteRequest(new RequestRecord("r3", "POST", "/v2/models/resnet18/predict", 100)
            {
                Model = "resnet18", ModelVersion = "0.23.1", Status = 200, Predicted = true, InferenceMs = 3, TotalMs = 5, Cache = "hit",
                CacheError = "timeout", PredictionLogError = "throttled",
            });
            writer.WriteModelLoad(ModelConfigLoader.Load(BundledModel(), sideFilesPresent: false), new ModelLoadTimings(1, 2, 3), "bundled");
            writer.WritePredictionLogError("resnet18", "0.23.1", "in/x.png", "throttled");
            writer.WriteFeedback(new FeedbackRecord("f1", "r1", "resnet18", "0.23.1", Correct: true, AccuracyPercent: 95, WindowSamples: 40));
            writer.WriteShadow(new ShadowRecord("r1", "/v2/models/resnet18/infer", "resnet18")
            {
                PrimaryVariant = "a", PrimaryVersion = "0.23.1", PrimaryStatus = 200, CandidateVariant = "next", CandidateStatus = 200, CandidateMs = 4, Top1Match = true,
            });
            writer.WriteShadow(new ShadowRecord("r1", "/v2/models/resnet18/infer", "resnet18")
            {
                PrimaryVariant = "a", PrimaryVersion = "0.23.1", PrimaryStatus = 200, CandidateVariant = "next", CandidateStatus = 200, CandidateMs = 4, Cosine = 0.98,
            });
        }

        return [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    private static IEnumerable<EmittedMetric> Directives(JsonElement line)
    {
        if (!line.TryGetProperty("_aws", out var aws))
        {
            yield break;
        }

        foreach (var directive in aws.GetProperty("CloudWatchMetrics").EnumerateArray())
        {
            var metricNamespace = directive.GetProperty("Namespace").GetString()!;
            foreach (var dimensions in directive.GetProperty("Dimensions").EnumerateArray())
            {
                string[] names = [.. dimensions.EnumerateArray().Select(d => d.GetString()!)];
                foreach (var metric in directive.GetProperty("Metrics").EnumerateArray())
                {
                    var name = metric.GetProperty("Name").GetString()!;
                    // EMF: a metric's value and each dimension's value are members of the line itself.
                    Assert.True(line.TryGetProperty(name, out _), $"the line declares {name} but carries no value for it: {line}");
                    Assert.All(names, d => Assert.True(line.TryGetProperty(d, out _), $"the line declares the dimension {d} but carries no value for it: {line}"));
                    yield return new EmittedMetric(metricNamespace, name, metric.GetProperty("Unit").GetString()!, names);
                }
            }
        }
    }

    private static string BundledModel() => Path.Combine(TeamStackTests.RepositoryRoot(), "functions", "Inference", "models", "resnet18", "model.json");

    private sealed class Comparer : IEqualityComparer<EmittedMetric>
    {
        public bool Equals(EmittedMetric? x, EmittedMetric? y) => x!.ToString() == y!.ToString();

        public int GetHashCode(EmittedMetric obj) => obj.ToString().GetHashCode(StringComparison.Ordinal);
    }
}
