using System.Globalization;

namespace Infra.Preview;

/// <summary>Prints a <see cref="StackPlan"/> for a terminal: one block per component, indented by nesting.</summary>
public static class PlanWriter
{
    public static void Write(StackPlan plan, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine($"Plan: stack '{plan.StackName}' of project '{plan.ProjectName}': {plan.ResourceCount} resources in {plan.Components.Count(c => c.Path != StackPlan.StackGroup)} components");
        foreach (var component in plan.Components)
        {
            var indent = new string(' ', 2 * component.Depth);
            var nested = component.TotalResources > component.OwnResources ? $" ({component.TotalResources} with its components)" : "";
            writer.WriteLine();
            writer.WriteLine($"{indent}{component.Path} ({component.Type}): {component.OwnResources} resources{nested}");
            foreach (var count in component.Counts)
            {
                writer.WriteLine($"{indent}  {count.Count.ToString(CultureInfo.InvariantCulture),3}  {count.Type}");
            }

            foreach (var setting in component.Settings)
            {
                writer.WriteLine($"{indent}  - {setting}");
            }
        }
    }
}
