using Infra.Testing.Programs;

namespace SchemaCheck.TypeScript;

/// <summary>A variable or resource to declare, with the names it references.</summary>
public sealed record Declaration(string Name, IReadOnlySet<string> References, SourceMark Mark, object Source);

/// <summary>
/// Orders declarations so that each comes after everything it references (TypeScript constants must be
/// declared before use for their types to flow); ties keep the program's order, so output is stable.
/// </summary>
public static class DependencyOrder
{
    public static IReadOnlyList<Declaration> Sort(IReadOnlyList<Declaration> declarations)
    {
        var names = declarations.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var remaining = declarations.ToList();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<Declaration>();
        while (remaining.Count > 0)
        {
            var next = remaining.FirstOrDefault(d => d.References.All(r => !names.Contains(r) || done.Contains(r)))
                ?? throw CycleError(remaining);
            remaining.Remove(next);
            done.Add(next.Name);
            ordered.Add(next);
        }
        return ordered;
    }

    // Walks references among the blocked declarations until one repeats, and names that loop.
    private static ProgramFormatException CycleError(List<Declaration> blocked)
    {
        var byName = blocked.ToDictionary(d => d.Name, StringComparer.Ordinal);
        var path = new List<string>();
        var current = blocked[0];
        while (!path.Contains(current.Name))
        {
            path.Add(current.Name);
            current = byName[current.References.First(byName.ContainsKey)];
        }
        var loop = path.Skip(path.IndexOf(current.Name)).Append(current.Name);
        return new ProgramFormatException($"dependency cycle: {string.Join(" -> ", loop)}", current.Mark);
    }
}
