using Inference.Service;

namespace Inference.Ensembles;

/// <summary>What one member did for one ensemble request: its answer, or why it has none.</summary>
public sealed record MemberOutcome(EnsembleMember Member, double LatencyMs)
{
    /// <summary>The member's own answer; null when it timed out or threw.</summary>
    public InferenceResponse? Response { get; init; }

    public MemberAnswer? Answer { get; init; }

    public string? ModelVersion { get; init; }

    public string? Id { get; init; }

    /// <summary>The member's status, or 504 for a timeout; 200 only with an <see cref="Answer"/>.</summary>
    public int Status { get; init; }

    /// <summary>The error code (the member's own, or <c>member_timeout</c>, <c>member_failed</c>, <c>incompatible_answer</c>); null when it answered.</summary>
    public string? Code { get; init; }

    public string? Error { get; init; }

    public bool Answered => Answer is not null && Code is null;
}
