using System.Reflection;
using Infra.Core;
using Infra.Core.Synthesis;

namespace Infra.Testing;

/// <summary>Finding resources and components: by their generated class (typed), by type token and by logical name.</summary>
public sealed partial class StackTemplate
{
    /// <summary>
    /// Every resource of the generated class's type, in program order, e.g. <c>ResourcesOf&lt;Infra.Aws.Lambda.Function&gt;()</c>
    /// (the class's <c>PulumiType</c> is the type token the program shows).
    /// </summary>
    public IReadOnlyList<ResourceAssertion> ResourcesOf<T>()
        where T : Resource => ResourcesOf(TypeTokenOf<T>());

    /// <summary>Every resource with this type token, e.g. <c>aws:lambda/function:Function</c>, in program order.</summary>
    public IReadOnlyList<ResourceAssertion> ResourcesOf(string typeToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeToken);
        return [.. ResourceNames.Where(name => TypeOf(name) == typeToken).Select(name => new ResourceAssertion(this, name))];
    }

    /// <summary>
    /// The resource with this logical name, which must be of the class's type; fails naming the type it really has,
    /// or the resources of that type when there is none of that name.
    /// </summary>
    public ResourceAssertion ResourceOf<T>(string logicalName)
        where T : Resource => ResourceOf(TypeTokenOf<T>(), logicalName);

    /// <summary>The resource with this logical name, which must have this type token.</summary>
    public ResourceAssertion ResourceOf(string typeToken, string logicalName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeToken);
        ArgumentException.ThrowIfNullOrWhiteSpace(logicalName);
        if (!ProgramValues.Has(Program, "resources", logicalName))
        {
            var ofType = ResourcesOf(typeToken).Select(r => r.LogicalName).ToList();
            throw new StackAssertionException($"resource '{logicalName}' ({typeToken}): expected in the program, found none" +
                (ofType.Count == 0 ? $" and no resource of type {typeToken}" : $" (resources of type {typeToken}: {string.Join(", ", ofType)})"));
        }

        var type = TypeOf(logicalName);
        return type == typeToken
            ? new ResourceAssertion(this, logicalName)
            : throw new StackAssertionException($"resource '{logicalName}': expected type {typeToken}, found {type}");
    }

    /// <summary>Every resource of the program, in program order.</summary>
    public IReadOnlyList<ResourceAssertion> Resources => [.. ResourceNames.Select(name => new ResourceAssertion(this, name))];

    /// <summary>Asserts how many resources of the generated class's type the program has; the failure lists them.</summary>
    public StackTemplate ResourceCountIs<T>(int count)
        where T : Resource => ResourceCountIs(TypeTokenOf<T>(), count);

    /// <summary>Asserts how many resources with this type token the program has.</summary>
    public StackTemplate ResourceCountIs(string typeToken, int count)
    {
        var found = ResourcesOf(typeToken);
        return found.Count == count
            ? this
            : throw new StackAssertionException($"resources of type {typeToken}: expected {count}, found {found.Count}" +
                (found.Count == 0 ? "" : ": " + string.Join(", ", found.Select(r => r.LogicalName))));
    }

    /// <summary>
    /// The resources of the class's type whose properties match the pattern object-like (<see cref="Match.ObjectLike"/>);
    /// without a pattern, all of them. Never fails: for assertions, see <see cref="HasResourceProperties{T}"/>.
    /// </summary>
    public IReadOnlyList<ResourceAssertion> FindResources<T>(object? pattern = null)
        where T : Resource
    {
        var candidates = ResourcesOf<T>();
        if (pattern is null)
        {
            return candidates;
        }

        var match = Match.Of(pattern, partial: true);
        return [.. candidates.Where(r => r.Mismatches(match).Count == 0)];
    }

    /// <summary>Asserts how many resources of the class's type have properties matching the pattern object-like; the failure lists them.</summary>
    public StackTemplate ResourcePropertiesCountIs<T>(object pattern, int count)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var found = FindResources<T>(pattern);
        return found.Count == count
            ? this
            : throw new StackAssertionException($"resources of type {TypeTokenOf<T>()} with properties {Match.Of(pattern, partial: true).Description}: " +
                $"expected {count}, found {found.Count}" + (found.Count == 0 ? "" : ": " + string.Join(", ", found.Select(r => r.LogicalName))));
    }

    /// <summary>
    /// Asserts that some resource of the class's type has properties matching the pattern object-like, and returns the
    /// first that does. The failure shows, for each resource of the type, where it differs.
    /// </summary>
    public ResourceAssertion HasResourceProperties<T>(object pattern)
        where T : Resource => HasResourceProperties(TypeTokenOf<T>(), pattern);

    /// <summary>Asserts that some resource with this type token has properties matching the pattern object-like.</summary>
    public ResourceAssertion HasResourceProperties(string typeToken, object pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var match = Match.Of(pattern, partial: true);
        var candidates = ResourcesOf(typeToken);
        if (candidates.Count == 0)
        {
            throw new StackAssertionException($"resources of type {typeToken}: expected one with properties {match.Description}, found no resource of this type" +
                $" (types in the program: {string.Join(", ", ResourceNames.Select(TypeOf).Distinct().Order(StringComparer.Ordinal))})");
        }

        var misses = new List<(ResourceAssertion Resource, IReadOnlyList<string> Mismatches)>();
        foreach (var candidate in candidates)
        {
            var mismatches = candidate.Mismatches(match);
            if (mismatches.Count == 0)
            {
                return candidate;
            }

            misses.Add((candidate, mismatches));
        }

        var shown = misses.OrderBy(m => m.Mismatches.Count).Take(5).ToList();
        var text = string.Concat(shown.Select(m => $"\n  {m.Resource}:" + string.Concat(m.Mismatches.Take(5).Select(d => "\n    " + d))));
        throw new StackAssertionException($"resources of type {typeToken}: expected one with properties {match.Description}, " +
            $"found {candidates.Count} that differ{(misses.Count > shown.Count ? $" (the {shown.Count} closest shown)" : "")}:{text}");
    }

    /// <summary>
    /// Every component of the C# class (e.g. <c>ComponentsOf&lt;InferenceFunction&gt;()</c>), in creation order. Pulumi
    /// YAML has no component resources; a component is the resources under its path.
    /// </summary>
    public IReadOnlyList<ComponentAssertion> ComponentsOf<T>()
        where T : ComponentResource => [.. Stack.Components.OfType<T>().Select(c => new ComponentAssertion(this, c))];

    /// <summary>Every component with this type token, e.g. <c>ml:InferenceFunction</c>, in creation order.</summary>
    public IReadOnlyList<ComponentAssertion> ComponentsOf(string componentType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(componentType);
        return [.. Stack.Components.Where(c => c.ComponentType == componentType).Select(c => new ComponentAssertion(this, c))];
    }

    /// <summary>The component at this path (<c>api</c>, <c>api/function</c>); fails listing the components when there is none.</summary>
    public ComponentAssertion Component(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var component = Stack.Components.FirstOrDefault(c => c.Path == path);
        return component is not null
            ? new ComponentAssertion(this, component)
            : throw new StackAssertionException($"component '{path}': expected in the stack, found {(Stack.Components.Count == 0 ? "no components" : "only " + string.Join(", ", Stack.Components.Select(c => $"{c.Path} ({c.ComponentType})")))}");
    }

    /// <summary>Asserts how many components of the C# class the stack has; the failure lists them.</summary>
    public StackTemplate ComponentCountIs<T>(int count)
        where T : ComponentResource
    {
        var found = ComponentsOf<T>();
        return found.Count == count
            ? this
            : throw new StackAssertionException($"components of type {typeof(T).Name}: expected {count}, found {found.Count}" +
                (found.Count == 0 ? "" : ": " + string.Join(", ", found.Select(c => c.Path))));
    }

    /// <summary>The type token of a generated resource class: its <c>PulumiType</c> constant.</summary>
    public static string TypeTokenOf<T>()
        where T : Resource =>
        typeof(T).GetField("PulumiType", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && field.GetRawConstantValue() is string token
            ? token
            : throw new ArgumentException($"{typeof(T).FullName} has no PulumiType constant: use a generated resource class (Infra.Aws.*) or pass the type token");
}
