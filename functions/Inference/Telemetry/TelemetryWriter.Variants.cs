using Inference.Contracts;

namespace Inference.Telemetry;

/// <summary>One shadow call: the candidate's answer to a request the primary already answered, and how far they agree.</summary>
public sealed record ShadowRecord(string RequestId, string Path, string? Model)
{
    public required string PrimaryVariant { get; init; }
    public required string? PrimaryVersion { get; init; }
    public required int PrimaryStatus { get; init; }
    public required string CandidateVariant { get; init; }
    public string? CandidateVersion { get; init; }

    /// <summary>The candidate's status; null when it threw or ran out of time (see <see cref="Error"/>).</summary>
    public int? CandidateStatus { get; init; }
    public double CandidateMs { get; init; }
    public string? Error { get; init; }
    public bool? Top1Match { get; init; }
    public double? Cosine { get; init; }

    /// <summary>True when the candidate failed where the primary succeeded (an error the client would have seen).</summary>
    public bool Failed => Error is not null || (PrimaryStatus == 200 && CandidateStatus != 200);
}

public sealed partial class TelemetryWriter
{
    /// <summary>
    /// Writes one shadow line. Its metrics carry the dimensions <c>[Model, Variant]</c>, Variant being the candidate:
    /// <c>ShadowRequests</c>, <c>ShadowLatency</c>, <c>ShadowErrors</c>, and when the answers were comparable
    /// <c>ShadowTop1Match</c> (1 or 0) or <c>ShadowCosine</c>.
    /// </summary>
    public void WriteShadow(ShadowRecord s)
    {
        Write(s.Failed ? "WARN" : "INFO", "shadow", w =>
        {
            w.WriteString("requestId", s.RequestId);
            w.WriteString("path", s.Path);
            w.WriteString("primaryVariant", s.PrimaryVariant);
            w.WriteString("primaryVersion", s.PrimaryVersion);
            w.WriteNumber("primaryStatus", s.PrimaryStatus);
            w.WriteString("candidateVersion", s.CandidateVersion);
            if (s.CandidateStatus is { } status)
            {
                w.WriteNumber("candidateStatus", status);
            }

            if (s.Error is not null)
            {
                w.WriteString("error", s.Error);
            }

            w.WriteString("comparison", s.Top1Match is not null ? "top1" : s.Cosine is not null ? "cosine" : "none");
            var metrics = new List<FunctionMetric> { FunctionMetrics.ShadowRequests, FunctionMetrics.ShadowLatency, FunctionMetrics.ShadowErrors };
            if (s.Top1Match is not null)
            {
                metrics.Add(FunctionMetrics.ShadowTop1Match);
            }

            if (s.Cosine is not null)
            {
                metrics.Add(FunctionMetrics.ShadowCosine);
            }

            WriteEmf(w, ([FunctionMetrics.ByVariant], [.. metrics]));
            w.WriteString(FunctionMetrics.Model, s.Model ?? NoModel);
            w.WriteString(FunctionMetrics.Variant, s.CandidateVariant);
            w.WriteNumber(FunctionMetrics.ShadowRequests.Name, 1);
            w.WriteNumber(FunctionMetrics.ShadowLatency.Name, Round(s.CandidateMs));
            w.WriteNumber(FunctionMetrics.ShadowErrors.Name, s.Failed ? 1 : 0);
            if (s.Top1Match is { } match)
            {
                w.WriteNumber(FunctionMetrics.ShadowTop1Match.Name, match ? 1 : 0);
            }

            if (s.Cosine is { } cosine)
            {
                w.WriteNumber(FunctionMetrics.ShadowCosine.Name, Math.Round(cosine, 6));
            }
        });
    }
}
