namespace Infra.Core;

/// <summary>Options for a component; they apply to every resource the component creates.</summary>
public sealed class ComponentResourceOptions
{
    /// <summary>
    /// Earlier names of this component. Every child gets an alias under the old prefix, so
    /// renaming a component moves its resources instead of replacing them.
    /// </summary>
    public IList<string> FormerNames { get; init; } = [];

    /// <summary>Extra tags for every resource of the component.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Base class of our components. Pulumi YAML programs cannot declare component resources, so a
/// component groups its children by name prefix and by tags instead of by a parent URN.
/// </summary>
public abstract class ComponentResource : IScope
{
    private readonly IScope _parent;
    private readonly ComponentResourceOptions _options;

    protected ComponentResource(string componentType, IScope scope, string name, ComponentResourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _parent = scope;
        _options = options ?? new ComponentResourceOptions();
        ComponentType = componentType;
        Name = name;
        Path = scope.Path.Length == 0 ? name : scope.Path + "/" + name;
        Tags = MergeTags(scope.Tags, new Dictionary<string, string> { ["component"] = Path, ["component-type"] = componentType }, _options.Tags);
        Stack.RegisterComponent(this);
    }

    /// <summary>The component's type, e.g. <c>ml:RestInferenceApi</c>.</summary>
    public string ComponentType { get; }

    public string Name { get; }

    public string Path { get; }

    public Stack Stack => _parent.Stack;

    public IReadOnlyDictionary<string, string> Tags { get; }

    public string QualifyName(string name) => _parent.QualifyName(Name + "-" + name);

    public IEnumerable<string> FormerNames(string name) =>
        _parent.FormerNames(Name + "-" + name)
            .Concat(_options.FormerNames.Select(former => _parent.QualifyName(former + "-" + name)));

    private static Dictionary<string, string> MergeTags(params IReadOnlyDictionary<string, string>[] layers)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in layers.SelectMany(layer => layer))
        {
            merged[key] = value;
        }

        return merged;
    }
}
