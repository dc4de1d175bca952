using System.Globalization;
using Infra.Preview;

namespace Infra.Testing;

/// <summary>
/// The monthly cost estimate of the stack under test at a traffic profile: the estimate <c>preview</c> prints, with
/// no local measurements (durations come from the profile, so the result is the same on every machine).
/// </summary>
public sealed class CostAssertion
{
    internal CostAssertion(string stackName, CostEstimate estimate, TrafficProfile traffic)
    {
        StackName = stackName;
        Estimate = estimate;
        Traffic = traffic;
    }

    /// <summary>The stack's name.</summary>
    public string StackName { get; }

    /// <summary>The estimate: lines by component and service, the functions' load, the total.</summary>
    public CostEstimate Estimate { get; }

    /// <summary>The traffic profile the estimate assumes.</summary>
    public TrafficProfile Traffic { get; }

    /// <summary>The estimate's monthly total in USD.</summary>
    public decimal Monthly => Estimate.Monthly;

    /// <summary>
    /// Asserts that the monthly estimate is under the budget (strictly); the failure shows the total, the traffic it
    /// assumes and the largest lines.
    /// </summary>
    public CostAssertion IsUnder(decimal usdPerMonth)
    {
        if (Estimate.Monthly < usdPerMonth)
        {
            return this;
        }

        var largest = Estimate.Lines.OrderByDescending(l => l.Monthly).Take(5)
            .Select(l => $"\n  {Money(l.Monthly),10}  {l.Component}: {l.Service} {l.Item}");
        throw new StackAssertionException(
            $"cost of stack '{StackName}': expected under {Money(usdPerMonth)} a month, found {Money(Estimate.Monthly)} " +
            $"({Money(Estimate.Monthly - usdPerMonth)} over) at {Traffic.RequestsPerDay.ToString("N0", CultureInfo.InvariantCulture)} API predictions " +
            $"and {Traffic.BatchObjectsPerDay.ToString("N0", CultureInfo.InvariantCulture)} batch objects a day; the largest lines:{string.Concat(largest)}");
    }

    private static string Money(decimal value) => "$" + value.ToString("N2", CultureInfo.InvariantCulture);
}
