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

    /// <summary>GPU endpoints and batch compute environments, each compared with Lambda on CPU for the same predictions; none in most stacks.</summary>
    public IReadOnlyList<AcceleratedBackEnd> Accelerated { get; init; } = [];

    /// <summary>What the GPU and batch figures assume, printed with them.</summary>
    public IReadOnlyList<string> AcceleratedAssumptions { get; init; } = [];

    /// <summary>Dollars per 1,000 predictions; 0 when the profile has no traffic.</summary>
    public decimal PerThousandPredictions => PredictionsPerMonth > 0 ? Monthly / (decimal)PredictionsPerMonth * 1000m : 0m;

    public decimal ServiceTotal(string service) => Lines.Where(l => l.Service == service).Sum(l => l.Monthly);
}

/// <summary>How a GPU or batch back end is billed.</summary>
public enum AcceleratedKind
{
    /// <summary>A SageMaker real-time endpoint variant: instance-hours from its scaling, all month.</summary>
    RealTime,

    /// <summary>A SageMaker asynchronous endpoint: instance-hours while a backlog exists when it scales to zero.</summary>
    Async,

    /// <summary>An AWS Batch compute environment on Fargate (or Fargate Spot): vCPU- and GB-hours of the jobs.</summary>
    BatchFargate,

    /// <summary>An AWS Batch compute environment on EC2 (or Spot) instances: instance-hours of the jobs.</summary>
    BatchEc2,
}

/// <summary>One GPU or batch back end priced for the month, and how Lambda on CPU compares for the same predictions.</summary>
/// <param name="Resource">The endpoint configuration's or compute environment's logical name.</param>
/// <param name="InstanceType">The instance type, or the Fargate task size.</param>
/// <param name="Sizing">How the instance-hours were derived, in words (printed).</param>
/// <param name="Capacity">For endpoints: the instances AWS keeps hour by hour over a week.</param>
public sealed record AcceleratedBackEnd(
    string Component,
    string Resource,
    AcceleratedKind Kind,
    string InstanceType,
    bool Spot,
    double Predictions,
    double InstanceHours,
    decimal ComputeMonthly,
    string Sizing,
    ScheduledCapacity? Capacity,
    BreakEven Comparison);

/// <summary>
/// Lambda on CPU against a GPU or batch back end for the same predictions: both monthly compute costs, and the
/// predictions a month from which the back end is the cheaper (null where it never is, with the reason).
/// </summary>
public sealed record BreakEven(decimal LambdaPerPrediction, decimal LambdaMonthly, decimal BackEndMonthly, double? PredictionsPerMonth, string? Never)
{
    /// <summary>The break-even as an average rate over the month.</summary>
    public double? PredictionsPerSecond => PredictionsPerMonth / Infra.Components.PriceTable.SecondsPerMonth;

    public bool BackEndIsCheaper => BackEndMonthly < LambdaMonthly;
}
