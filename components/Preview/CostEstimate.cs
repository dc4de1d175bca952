namespace Infra.Preview;

/// <summary>One priced item: what a component spends on one service in a month, for a billed quantity of a unit.</summary>
public sealed record CostLine(string Component, string Service, string Item, double Quantity, string Unit, decimal Monthly);

/// <summary>What invokes an inference function, as the resource graph shows it.</summary>
public enum FunctionKind
{
    /// <summary>An API Gateway integration.</summary>
    Api,

    /// <summary>An SQS event source mapping.</summary>
    Batch,

    /// <summary>Nothing in the stack.</summary>
    Idle,
}

/// <summary>The load one function carries, and where its duration came from.</summary>
/// <param name="Predictions">Predictions (API requests or batch objects) per month.</param>
/// <param name="DurationSource">Measured by <c>serve</c> (and when), or configured.</param>
/// <param name="Provisioned">The provisioned concurrency AWS will keep, hour by hour (null without a schedule): what the estimate prices.</param>
public sealed record FunctionLoad(
    string Component,
    FunctionKind Kind,
    double Predictions,
    double Invocations,
    double DurationMs,
    double P95DurationMs,
    int MemoryMb,
    string Architecture,
    string DurationSource,
    ScheduledCapacity? Provisioned = null);

/// <summary>The same load on containers that run all month: the comparison with current infrastructure.</summary>
public sealed record AlwaysOnEstimate(IReadOnlyList<CostLine> Lines, IReadOnlyList<string> ReplacedServices, decimal Unchanged)
{
    public decimal Monthly => Unchanged + Lines.Sum(l => l.Monthly);
}

/// <summary>A monthly AWS budget the stack itself declares (its cost guard), by the budget's logical name.</summary>
public sealed record DeclaredBudget(string Name, decimal MonthlyUsd);

/// <summary>A stack's monthly cost at a traffic profile, itemized by component and service.</summary>
public sealed record CostEstimate(
    IReadOnlyList<CostLine> Lines,
    IReadOnlyList<FunctionLoad> Functions,
    double PredictionsPerMonth,
    AlwaysOnEstimate AlwaysOn,
    IReadOnlyList<string> Assumptions,
    IReadOnlyList<DeclaredBudget> Budgets)
{
    public decimal Monthly => Lines.Sum(l => l.Monthly);

    /// <summary>Dollars per 1,000 predictions; 0 when the profile has no traffic.</summary>
    public decimal PerThousandPredictions => PredictionsPerMonth > 0 ? Monthly / (decimal)PredictionsPerMonth * 1000m : 0m;

    public decimal ServiceTotal(string service) => Lines.Where(l => l.Service == service).Sum(l => l.Monthly);
}
