using Infra.Core;

namespace Infra.Core.Synthesis;

/// <summary>
/// Catches at synthesis time what would otherwise surface as a broken deployment: references
/// to things that are not in the program, and dependency cycles. Names are checked when
/// resources register.
/// </summary>
internal static class ProgramValidator
{
    public static void Validate(Stack stack)
    {
        var graph = new ProgramGraph(stack);
        var problems = new List<string>();
        problems.AddRange(UnknownReferences(graph));
        if (problems.Count == 0)
        {
            problems.AddRange(Cycles(graph));
        }

        if (problems.Count > 0)
        {
            throw new SynthesisException(problems);
        }
    }

    private static IEnumerable<string> UnknownReferences(ProgramGraph graph)
    {
        var stack = graph.Stack;
        foreach (var resource in stack.Resources)
        {
            foreach (var symbol in graph.SymbolsReadBy(resource).Where(s => !IsDeclared(stack, s)).DistinctBy(s => s.Name))
            {
                yield return SynthesisException.Describe(ResourceRenderer.Owner(resource))
                    + $"resource '{resource.LogicalName}' references '{symbol.Name}', which is not in this stack's program";
            }
        }

        foreach (var variable in stack.Variables)
        {
            foreach (var symbol in ProgramGraph.SymbolsIn(variable.Value).Where(s => !IsDeclared(stack, s)).DistinctBy(s => s.Name))
            {
                yield return $"stack: variable '{variable.Name}' references '{symbol.Name}', which is not in this stack's program";
            }
        }

        foreach (var (name, value) in stack.Outputs)
        {
            foreach (var symbol in ProgramGraph.SymbolsIn(value).Where(s => !IsDeclared(stack, s)).DistinctBy(s => s.Name))
            {
                yield return $"stack: output '{name}' references '{symbol.Name}', which is not in this stack's program";
            }
        }
    }

    private static bool IsDeclared(Stack stack, ISymbol symbol) => symbol switch
    {
        Resource resource => stack.Contains(resource),
        Variable variable => stack.Variables.Contains(variable),
        ConfigSymbol config => stack.ConfigSymbols.Contains(config),
        _ => false,
    };

    /// <summary>Depth-first search over resources and variables; reports each cycle once.</summary>
    private static IEnumerable<string> Cycles(ProgramGraph graph)
    {
        var edges = new Dictionary<ISymbol, ISymbol[]>(ReferenceEqualityComparer.Instance);
        foreach (var resource in graph.Stack.Resources)
        {
            edges[resource] = [.. graph.SymbolsReadBy(resource).Where(s => s is not ConfigSymbol).Distinct()];
        }

        foreach (var variable in graph.Stack.Variables)
        {
            edges[variable] = [.. ProgramGraph.SymbolsIn(variable.Value).Where(s => s is not ConfigSymbol).Distinct()];
        }

        var state = new Dictionary<ISymbol, bool>(ReferenceEqualityComparer.Instance); // false: on the path, true: done
        var path = new List<ISymbol>();
        var cycles = new List<string>();

        void Visit(ISymbol node)
        {
            if (state.TryGetValue(node, out var done))
            {
                if (!done)
                {
                    var loop = path.Skip(path.IndexOf(node)).Append(node).ToList();
                    cycles.Add($"{Owners(loop)}dependency cycle: {string.Join(" -> ", loop.Select(s => s.Name))}");
                }

                return;
            }

            state[node] = false;
            path.Add(node);
            foreach (var next in edges.GetValueOrDefault(node, []))
            {
                Visit(next);
            }

            path.RemoveAt(path.Count - 1);
            state[node] = true;
        }

        foreach (var node in edges.Keys.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            Visit(node);
        }

        return cycles;
    }

    private static string Owners(IEnumerable<ISymbol> loop)
    {
        var owners = loop.OfType<Resource>().Select(ResourceRenderer.Owner).Distinct().ToList();
        return owners.Count == 1 ? SynthesisException.Describe(owners[0]) : $"components {string.Join(", ", owners.Select(o => $"'{o}'"))}: ";
    }
}
