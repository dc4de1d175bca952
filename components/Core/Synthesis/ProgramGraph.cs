using Infra.Core;

namespace Infra.Core.Synthesis;

/// <summary>One reference between resources: <see cref="From"/> reads <see cref="To"/> through its <see cref="Property"/>.</summary>
/// <param name="Property">The top-level input that holds the reference, or <c>dependsOn</c>.</param>
public sealed record ResourceEdge(Resource From, Resource To, string Property);

/// <summary>
/// The stack's program as a graph: each resource's properties as the program emits them (tags
/// included), the symbols each resource and variable reads, and the references between resources
/// (through variables too, such as policy documents). The synthesizer validates with it, the policy
/// rules and the preview read it.
/// </summary>
public sealed class ProgramGraph
{
    private readonly Dictionary<Resource, MapValue> _properties;

    public ProgramGraph(Stack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        Stack = stack;
        _properties = stack.Resources.ToDictionary(r => r, ResourceRenderer.Properties);
        Edges = [.. stack.Resources.SelectMany(EdgesOf).Distinct()];
    }

    public Stack Stack { get; }

    /// <summary>References between resources, by the top-level input that holds them, and <c>dependsOn</c>.</summary>
    public IReadOnlyList<ResourceEdge> Edges { get; }

    /// <summary>The resource's inputs as the program emits them (tags included).</summary>
    public MapValue PropertiesOf(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return _properties.TryGetValue(resource, out var properties)
            ? properties
            : throw new ArgumentException($"'{resource.LogicalName}' is not a resource of this stack", nameof(resource));
    }

    /// <summary>Resources whose inputs reference <paramref name="target"/>.</summary>
    public IEnumerable<ResourceEdge> ReferencesTo(Resource target) => Edges.Where(e => ReferenceEquals(e.To, target));

    /// <summary>Resources that <paramref name="source"/> references.</summary>
    public IEnumerable<ResourceEdge> ReferencesFrom(Resource source) => Edges.Where(e => ReferenceEquals(e.From, source));

    /// <summary>The resources created by a component and by the components inside it.</summary>
    public IEnumerable<Resource> ResourcesUnder(ComponentResource component) =>
        Stack.Resources.Where(r => r.Scope.Path == component.Path || r.Scope.Path.StartsWith(component.Path + "/", StringComparison.Ordinal));

    /// <summary>The symbols a resource reads directly: through its properties and through <c>dependsOn</c>.</summary>
    public IEnumerable<ISymbol> SymbolsReadBy(Resource resource) => PropertiesOf(resource).Symbols.Concat(resource.Options.DependsOn);

    /// <summary>The program symbols (resources, variables, config keys) anywhere inside a value; none for null.</summary>
    public static IEnumerable<ISymbol> SymbolsIn(ProgramValue? value) => value?.Symbols ?? [];

    private IEnumerable<ResourceEdge> EdgesOf(Resource resource)
    {
        foreach (var (property, value) in _properties[resource].Entries)
        {
            foreach (var target in ResourcesReadBy(value, []))
            {
                if (!ReferenceEquals(target, resource))
                {
                    yield return new ResourceEdge(resource, target, property);
                }
            }
        }

        foreach (var dependency in resource.Options.DependsOn)
        {
            yield return new ResourceEdge(resource, dependency, "dependsOn");
        }
    }

    private static IEnumerable<Resource> ResourcesReadBy(ProgramValue value, HashSet<Variable> seen) =>
        value.Symbols.SelectMany(symbol => symbol switch
        {
            Resource resource => [resource],
            Variable variable when seen.Add(variable) => ResourcesReadBy(variable.Value, seen),
            _ => [],
        });
}
