using Infra.Core;
using Infra.Core.Synthesis;

namespace Infra.Preview;

/// <summary>How many resources of one type a component creates.</summary>
public sealed record ResourceCount(string Type, int Count);

/// <summary>One component of the plan: its own resources by type and its key settings.</summary>
/// <param name="Depth">0 for a component of the stack, 1 for one inside it, and so on.</param>
/// <param name="TotalResources">Its resources and those of the components inside it.</param>
public sealed record ComponentPlan(string Path, string Type, int Depth, IReadOnlyList<ResourceCount> Counts, IReadOnlyList<string> Settings, int TotalResources)
{
    public int OwnResources => Counts.Sum(c => c.Count);
}

/// <summary>What a deployment of the stack creates, grouped by component, in a stable order.</summary>
public sealed record StackPlan(string ProjectName, string StackName, int ResourceCount, IReadOnlyList<ComponentPlan> Components)
{
    /// <summary>The group for resources created by the stack itself rather than a component.</summary>
    public const string StackGroup = "(stack)";

    public static StackPlan Of(ProgramGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var stack = graph.Stack;
        var groups = stack.Components
            .Select(c => (c.Path, c.ComponentType, Total: graph.ResourcesUnder(c).Count()))
            .ToList();
        if (stack.Resources.Any(r => r.Scope.Path.Length == 0))
        {
            groups.Add((StackGroup, "stack", stack.Resources.Count(r => r.Scope.Path.Length == 0)));
        }

        var components = groups
            // '/' sorts after '-', so compare with the separator lowest: children follow their parent.
            .OrderBy(g => g.Path.Replace('/', '\0'), StringComparer.Ordinal)
            .Select(g => Plan(graph, g.Path, g.ComponentType, g.Total))
            .ToList();
        return new StackPlan(stack.ProjectName, stack.StackName, stack.Resources.Count, components);
    }

    private static ComponentPlan Plan(ProgramGraph graph, string path, string type, int total)
    {
        var scopePath = path == StackGroup ? "" : path;
        var own = graph.Stack.Resources.Where(r => r.Scope.Path == scopePath).ToList();
        var counts = own
            .GroupBy(r => ShortType(r.TypeToken))
            .Select(g => new ResourceCount(g.Key, g.Count()))
            .OrderBy(c => c.Type, StringComparer.Ordinal)
            .ToList();
        // In creation order: a schedule's steps read in the order of the day.
        var settings = own.SelectMany(r => KeySettings.Of(r, graph.PropertiesOf(r))).ToList();
        var protectedNames = own.Where(r => r.Options.Protect == true).Select(r => r.LocalName).ToList();
        if (protectedNames.Count > 0)
        {
            settings.Add($"protected from deletion: {string.Join(", ", protectedNames)}");
        }

        var depth = path == StackGroup ? 0 : path.Count(c => c == '/');
        return new ComponentPlan(path, type, depth, counts, settings, total);
    }

    /// <summary><c>aws:lambda/function:Function</c> as Pulumi YAML writes it: <c>aws:lambda:Function</c>.</summary>
    public static string ShortType(string typeToken)
    {
        ArgumentNullException.ThrowIfNull(typeToken);
        var parts = typeToken.Split(':');
        return parts.Length == 3 && parts[1].Contains('/', StringComparison.Ordinal)
            ? $"{parts[0]}:{parts[1][..parts[1].IndexOf('/', StringComparison.Ordinal)]}:{parts[2]}"
            : typeToken;
    }
}
