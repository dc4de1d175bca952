using Inference.Contracts;
using Inference.Service;
using Inference.Telemetry;

namespace Inference.Ensembles;

/// <summary>
/// One JSON line per ensemble request (the members write their own request lines), with the metrics
/// <c>Latency</c>, <c>Predictions</c>, <c>EnsembleDegraded</c> and <c>EnsembleMemberFailures</c> under
/// <c>Model</c> = the ensemble's name and <c>ModelVersion</c> = <c>ensemble</c>.
/// </summary>
public sealed class EnsembleTelemetry(TelemetryWriter writer)
{
    public const string Version = "ensemble";

    public void WriteRequest(InferenceRequest request, EnsembleDefinition ensemble, int status, IReadOnlyList<MemberOutcome> outcomes, double latencyMs)
    {
        var failed = outcomes.Where(o => !o.Answered).ToArray();
        var level = status >= 500 ? "ERROR" : status >= 400 || failed.Length > 0 ? "WARN" : "INFO";
        writer.WriteModelEvent(level, "ensemble_request", ensemble.Name, Version,
            [(FunctionMetrics.Latency, latencyMs), (FunctionMetrics.Predictions, status == 200 ? 1 : 0),
             (FunctionMetrics.EnsembleDegraded, status == 200 && failed.Length > 0 ? 1 : 0), (FunctionMetrics.EnsembleMemberFailures, failed.Length)],
            w =>
            {
                w.WriteString("requestId", request.RequestId);
                w.WriteString("path", request.Path);
                w.WriteNumber("status", status);
                w.WriteString("combine", EnsembleBodies.Name(ensemble.Combine));
                w.WriteStartArray("answered");
                foreach (var outcome in outcomes.Where(o => o.Answered))
                {
                    w.WriteStringValue(outcome.Member.Model);
                }

                w.WriteEndArray();
                w.WriteStartArray("failed");
                foreach (var outcome in failed)
                {
                    w.WriteStartObject();
                    w.WriteString("model", outcome.Member.Model);
                    w.WriteString("code", outcome.Code);
                    w.WriteNumber("latencyMs", Math.Round(outcome.LatencyMs, 3));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
    }
}
