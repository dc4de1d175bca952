using System.Globalization;
using Infra.Components;

namespace Infra.Preview;

/// <summary>
/// The always-on alternative: each function with traffic becomes a Fargate service that runs all
/// month, sized for the busiest hour at the p95 duration, with one Application Load Balancer in
/// front of the API services. It replaces Lambda and API Gateway; everything else (WAF on the load
/// balancer, buckets, queues, tables, keys, monitoring) costs the same.
/// </summary>
public static class AlwaysOnAlternative
{
    /// <summary>Lambda gives a function one vCPU at 1,769 MB, and CPU in proportion to memory.</summary>
    public const double LambdaMbPerVcpu = 1769;

    /// <summary>Fargate's task sizes: vCPU and the least memory (GB) each allows.</summary>
    private static readonly (double Vcpu, int MinimumGb)[] TaskSizes = [(0.25, 1), (0.5, 1), (1, 2), (2, 4), (4, 8), (8, 16), (16, 32)];

    /// <summary>API services run two tasks at least, one per availability zone.</summary>
    public const int MinimumApiTasks = 2;

    public static readonly IReadOnlyList<string> ReplacedServices = ["Lambda", "API Gateway"];

    public static AlwaysOnEstimate Estimate(IReadOnlyList<FunctionLoad> functions, IReadOnlyList<CostLine> serverless, double peakFactor)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(serverless);
        var lines = new List<CostLine>();
        foreach (var function in functions.Where(f => f.Predictions > 0))
        {
            var (vcpu, memoryGb) = TaskSize(function.MemoryMb);
            var tasks = Tasks(function, vcpu, peakFactor);
            var perTaskHour = (decimal)vcpu * PriceTable.FargatePerVcpuHour(function.Architecture) + memoryGb * PriceTable.FargatePerGbHour(function.Architecture);
            var size = $"{tasks} × {vcpu.ToString(CultureInfo.InvariantCulture)} vCPU / {memoryGb} GB";
            lines.Add(new CostLine(function.Component, "Fargate", $"{size} tasks, all month", tasks * PriceTable.HoursPerMonth, "task-hours",
                tasks * (decimal)PriceTable.HoursPerMonth * perTaskHour));
        }

        if (functions.Any(f => f.Kind == FunctionKind.Api && f.Predictions > 0))
        {
            lines.Add(new CostLine(StackPlan.StackGroup, "Elastic Load Balancing", "Application Load Balancer (hours; capacity units not included)",
                PriceTable.HoursPerMonth, "hours", (decimal)PriceTable.HoursPerMonth * PriceTable.AlbPerHour));
        }

        var unchanged = serverless.Where(l => !ReplacedServices.Contains(l.Service)).Sum(l => l.Monthly);
        return new AlwaysOnEstimate(lines, ReplacedServices, unchanged);
    }

    /// <summary>The smallest Fargate size with the function's CPU share, and its memory rounded up to whole GB.</summary>
    public static (double Vcpu, int MemoryGb) TaskSize(int memoryMb)
    {
        var (vcpu, minimumGb) = TaskSizes.FirstOrDefault(t => t.Vcpu >= memoryMb / LambdaMbPerVcpu, TaskSizes[^1]);
        return (vcpu, Math.Max(minimumGb, (int)Math.Ceiling(memoryMb / 1024.0)));
    }

    /// <summary>Enough tasks for the busiest hour's concurrency at the p95 duration, one prediction per vCPU at a time.</summary>
    public static int Tasks(FunctionLoad function, double vcpu, double peakFactor)
    {
        ArgumentNullException.ThrowIfNull(function);
        var peakConcurrency = function.Predictions / PriceTable.SecondsPerMonth * peakFactor * function.P95DurationMs / 1000;
        var perTask = Math.Max(1, Math.Floor(vcpu));
        var minimum = function.Kind == FunctionKind.Api ? MinimumApiTasks : 1;
        return Math.Max(minimum, (int)Math.Ceiling(peakConcurrency / perTask));
    }
}
