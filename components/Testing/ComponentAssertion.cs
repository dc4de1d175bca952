using Infra.Core;

namespace Infra.Testing;

/// <summary>
/// One component of the stack under test (<c>ml:InferenceFunction</c> and the like): the resources it and the
/// components inside it created. Pulumi YAML has no component resources, so the program shows a component only
/// through its resources' name prefix and <c>component</c> tags.
/// </summary>
public sealed class ComponentAssertion
{
    private readonly StackTemplate _template;

    internal ComponentAssertion(StackTemplate template, ComponentResource component)
    {
        _template = template;
        Component = component;
    }

    /// <summary>The component object.</summary>
    public ComponentResource Component { get; }

    /// <summary>Its path, e.g. <c>api/function</c>.</summary>
    public string Path => Component.Path;

    /// <summary>Its type token, e.g. <c>ml:InferenceFunction</c>.</summary>
    public string Type => Component.ComponentType;

    /// <summary>The resources of the component and of the components inside it, in program order.</summary>
    public IReadOnlyList<ResourceAssertion> Resources
    {
        get
        {
            var under = _template.Graph.ResourcesUnder(Component).Select(r => r.LogicalName).ToHashSet(StringComparer.Ordinal);
            return [.. _template.Resources.Where(r => under.Contains(r.LogicalName))];
        }
    }

    /// <summary>The component's resources of the generated class's type.</summary>
    public IReadOnlyList<ResourceAssertion> ResourcesOf<T>()
        where T : Resource
    {
        var type = StackTemplate.TypeTokenOf<T>();
        return [.. Resources.Where(r => r.Type == type)];
    }

    /// <summary>Asserts how many resources of the class's type the component has; the failure lists them.</summary>
    public ComponentAssertion ResourceCountIs<T>(int count)
        where T : Resource
    {
        var found = ResourcesOf<T>();
        return found.Count == count
            ? this
            : throw new StackAssertionException($"{this}: expected {count} resources of type {StackTemplate.TypeTokenOf<T>()}, found {found.Count}" +
                (found.Count == 0 ? "" : ": " + string.Join(", ", found.Select(r => r.LogicalName))));
    }

    /// <summary>The component as a failure message names it: <c>component 'api' (ml:RestInferenceApi)</c>.</summary>
    public override string ToString() => $"component '{Path}' ({Type})";
}
