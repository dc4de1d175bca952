namespace Inference.Ensembles;

/// <summary>How an ensemble combines its members' answers.</summary>
public enum EnsembleCombine
{
    /// <summary>Weighted voting (classification): each member's top-1 class gets the member's weight.</summary>
    Vote,

    /// <summary>Weighted averaging (embeddings, regression, class scores): the weighted mean of each value.</summary>
    Average,
}

/// <summary>One member of an ensemble: a model this function serves, its weight and how long the ensemble waits for it.</summary>
public sealed record EnsembleMember(string Model, double Weight, TimeSpan Timeout);

/// <summary>An ensemble served under its own model name: several models run in parallel for one request.</summary>
public sealed record EnsembleDefinition(string Name, EnsembleCombine Combine, IReadOnlyList<EnsembleMember> Members)
{
    public double TotalWeight => Members.Sum(m => m.Weight);
}
