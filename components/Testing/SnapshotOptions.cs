namespace Infra.Testing;

/// <summary>How <see cref="StackTemplate.MatchesSnapshot"/> treats a changed or missing snapshot.</summary>
public sealed class SnapshotOptions
{
    /// <summary>The environment variable that, set to <c>1</c> or <c>true</c>, rewrites every snapshot that differs.</summary>
    public const string UpdateVariable = "MLSERVING_UPDATE_SNAPSHOTS";

    /// <summary>Rewrite the snapshot instead of comparing; null (the default) reads <see cref="UpdateVariable"/>.</summary>
    public bool? Update { get; init; }

    /// <summary>
    /// Whether this run is CI, where a missing snapshot fails (after being written) so that no new snapshot is
    /// accepted without review; null (the default) reads the <c>CI</c> environment variable (<c>true</c> or <c>1</c>).
    /// </summary>
    public bool? ContinuousIntegration { get; init; }

    /// <summary>How many hunks of the diff a failure shows (5 unless set).</summary>
    public int MaxHunks { get; init; } = 5;
}
