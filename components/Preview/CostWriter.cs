using System.Globalization;
using Infra.Components;

namespace Infra.Preview;

/// <summary>Prints a <see cref="CostEstimate"/>: assumptions, totals by service, items by component, the always-on alternative.</summary>
public static class CostWriter
{
    public static void Write(CostEstimate estimate, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine($"Monthly cost estimate: {Money(estimate.Monthly)} ({PriceTable.Region} list prices of {PriceTable.AsOf})");
        foreach (var assumption in estimate.Assumptions)
        {
            writer.WriteLine($"  - {assumption}");
        }

        foreach (var function in estimate.Functions)
        {
            writer.WriteLine($"  - {function.Component} ({KindName(function.Kind)}, {function.MemoryMb} MB {function.Architecture}): " +
                $"{function.DurationMs.ToString("0.#", CultureInfo.InvariantCulture)} ms average, {function.P95DurationMs.ToString("0.#", CultureInfo.InvariantCulture)} ms p95, {function.DurationSource}");
            if (function.Provisioned is { } provisioned)
            {
                var tracking = provisioned.TargetUtilization is { } target
                    ? $", target tracking at {target.ToString("0.##", CultureInfo.InvariantCulture)} utilization of this load"
                    : "";
                writer.WriteLine($"    provisioned concurrency as Application Auto Scaling runs the schedule ({provisioned.TimeZone}{tracking}): " +
                    $"{provisioned.Describe()}; {provisioned.InstanceHoursPerWeek:N0} instance-hours a week");
            }
        }

        writer.WriteLine();
        writer.WriteLine("By service:");
        foreach (var service in estimate.Lines.GroupBy(l => l.Service).OrderByDescending(g => g.Sum(l => l.Monthly)).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            writer.WriteLine($"  {service.Key,-24}{Money(service.Sum(l => l.Monthly)),12}");
        }

        writer.WriteLine();
        writer.WriteLine("By component:");
        foreach (var component in estimate.Lines.GroupBy(l => l.Component))
        {
            writer.WriteLine($"  {component.Key}: {Money(component.Sum(l => l.Monthly))}");
            foreach (var line in component)
            {
                writer.WriteLine($"    {line.Service,-12} {line.Item,-58} {Quantity(line),24} {Money(line.Monthly),10}");
            }
        }

        writer.WriteLine();
        writer.WriteLine($"Total: {Money(estimate.Monthly)} a month for {estimate.PredictionsPerMonth:N0} predictions: {Money(estimate.PerThousandPredictions, 4)} per 1,000 predictions");
        foreach (var budget in estimate.Budgets)
        {
            var difference = estimate.Monthly - budget.MonthlyUsd;
            writer.WriteLine($"Budget {budget.Name}: {Money(budget.MonthlyUsd)} a month; the estimate is " +
                (difference > 0 ? $"{Money(difference)} over it, so its forecast alert will fire" : $"{Money(-difference)} under it"));
        }
        writer.WriteLine();
        var alwaysOn = estimate.AlwaysOn;
        writer.WriteLine($"Always-on alternative (containers running all month instead of {string.Join(" and ", alwaysOn.ReplacedServices)}): {Money(alwaysOn.Monthly)} a month");
        foreach (var line in alwaysOn.Lines)
        {
            writer.WriteLine($"    {line.Component,-16} {line.Item,-62} {Quantity(line),18} {Money(line.Monthly),10}");
        }

        writer.WriteLine($"    {"everything else, unchanged",-16} {"",-62} {"",18} {Money(alwaysOn.Unchanged),10}");
        WriteAccelerated(estimate, writer);
    }

    /// <summary>The GPU and batch back ends against Lambda on CPU; nothing for a stack without them.</summary>
    private static void WriteAccelerated(CostEstimate estimate, TextWriter writer)
    {
        if (estimate.Accelerated.Count == 0 && estimate.AcceleratedAssumptions.Count == 0)
        {
            return;
        }

        writer.WriteLine();
        writer.WriteLine("GPU and batch compute against Lambda on CPU for the same predictions (when does GPU pay off?):");
        foreach (var assumption in estimate.AcceleratedAssumptions)
        {
            writer.WriteLine($"  - {assumption}");
        }

        foreach (var backEnd in estimate.Accelerated)
        {
            var comparison = backEnd.Comparison;
            writer.WriteLine($"  {backEnd.Component} ({backEnd.Resource}: {KindName(backEnd.Kind)}, {backEnd.InstanceType}{(backEnd.Spot ? ", spot" : "")}): " +
                $"{Money(backEnd.ComputeMonthly)} a month for {backEnd.Predictions:N0} predictions ({Hours(backEnd.InstanceHours)}); Lambda on CPU {Money(comparison.LambdaMonthly)}");
            if (backEnd.Capacity is { } capacity)
            {
                writer.WriteLine($"    instances ({capacity.TimeZone}): {capacity.Describe()}; {capacity.InstanceHoursPerWeek:N0} instance-hours a week");
            }

            writer.WriteLine($"    sizing: {backEnd.Sizing}");
            writer.WriteLine(comparison.PredictionsPerMonth is { } breakEven
                ? $"    pays off from {breakEven:N0} predictions a month ({comparison.PredictionsPerSecond!.Value.ToString("0.##", CultureInfo.InvariantCulture)} a second); " +
                    (comparison.BackEndIsCheaper ? "cheaper than Lambda at this traffic" : "Lambda is cheaper at this traffic")
                : $"    never pays off against Lambda here: {comparison.Never}");
        }
    }

    private static string KindName(AcceleratedKind kind) => kind switch
    {
        AcceleratedKind.RealTime => "SageMaker real-time",
        AcceleratedKind.Async => "SageMaker asynchronous",
        AcceleratedKind.BatchFargate => "AWS Batch on Fargate",
        _ => "AWS Batch on EC2",
    };

    private static string Hours(double hours) =>
        (hours >= 100 ? hours.ToString("N0", CultureInfo.InvariantCulture) : hours.ToString("0.##", CultureInfo.InvariantCulture)) + " hours";

    private static string KindName(FunctionKind kind) => kind switch
    {
        FunctionKind.Api => "api",
        FunctionKind.Batch => "batch",
        _ => "idle",
    };

    private static string Quantity(CostLine line)
    {
        var number = line.Quantity >= 100 ? line.Quantity.ToString("N0", CultureInfo.InvariantCulture) : line.Quantity.ToString("0.###", CultureInfo.InvariantCulture);
        var unit = number == "1" && line.Unit.EndsWith('s') ? line.Unit[..^1] : line.Unit;
        return number + " " + unit;
    }

    private static string Money(decimal value, int decimals = 2) =>
        "$" + value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
