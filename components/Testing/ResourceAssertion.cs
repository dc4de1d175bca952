using Infra.Core;
using Infra.Core.Synthesis;

namespace Infra.Testing;

/// <summary>
/// One resource of the program under test, with assertions on its properties, its options and its place in the
/// graph. Every assertion returns the same object, so they chain; a failure names the resource, its type and the path.
/// </summary>
public sealed class ResourceAssertion
{
    private readonly StackTemplate _template;

    internal ResourceAssertion(StackTemplate template, string logicalName)
    {
        _template = template;
        LogicalName = logicalName;
        Declaration = template.Resource(logicalName);
        Type = Declaration.FirstOrDefault(e => e.Key == "type").Value as string ?? "";
        Resource = template.Stack.Resources.First(r => r.LogicalName == logicalName);
    }

    /// <summary>The resource's logical name in the program, e.g. <c>api-function</c>.</summary>
    public string LogicalName { get; }

    /// <summary>Its type token, e.g. <c>aws:lambda/function:Function</c>.</summary>
    public string Type { get; }

    /// <summary>The resource as the program declares it: <c>type</c>, <c>properties</c>, <c>options</c>.</summary>
    public OrderedMap Declaration { get; }

    /// <summary>The properties as the program writes them (tags included); empty when it has none.</summary>
    public OrderedMap Properties => Section("properties");

    /// <summary>The resource options as the program writes them (<c>dependsOn</c>, <c>protect</c>, <c>aliases</c>, ...); empty when none.</summary>
    public OrderedMap Options => Section("options");

    /// <summary>The resource object the stack holds, for what the program does not show (its component, its C# type).</summary>
    public Resource Resource { get; }

    /// <summary>The path of the component that created it (<c>api/function</c>), or empty for a resource of the stack itself.</summary>
    public string ComponentPath => Resource.Scope.Path;

    /// <summary>
    /// Asserts that the properties match the pattern object-like (see <see cref="Match.ObjectLike"/>), unless the pattern
    /// is another <see cref="Match"/>: <c>HasProperties(new { runtime = "dotnet10", memorySize = 1769 })</c>.
    /// </summary>
    public ResourceAssertion HasProperties(object pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var failures = Match.Of(pattern, partial: true).Run(Properties, true, _template.MatchContext);
        return failures.Count == 0 ? this : throw Fail("properties", failures);
    }

    /// <summary>Asserts the value at a path of the properties: <c>HasProperty(Match.ReferenceTo("role", "arn"), "role")</c>.</summary>
    public ResourceAssertion HasProperty(object? pattern, params object[] path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var present = ProgramValues.Has(Properties, path);
        var failures = Match.Of(pattern, partial: false).Run(present ? ProgramValues.At(Properties, path) : null, present, _template.MatchContext);
        return failures.Count == 0 ? this : throw Fail("properties" + Suffix(path), failures);
    }

    /// <summary>The value at a path of the properties; fails naming the deepest step that exists when the path does not.</summary>
    public object? Property(params object[] path) => _template.Property(LogicalName, path);

    /// <summary>Asserts that the options list the resource in <c>dependsOn</c> (an explicit dependency, not one through an input).</summary>
    public ResourceAssertion DependsOn(string logicalName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logicalName);
        _template.Resource(logicalName);
        var dependencies = OptionList("dependsOn");
        return dependencies.Contains("${" + logicalName + "}")
            ? this
            : throw Fail("options.dependsOn", $"'${{{logicalName}}}'", dependencies.Count == 0 ? "no dependsOn" : string.Join(", ", dependencies.Select(d => $"'{d}'")));
    }

    /// <summary>
    /// Asserts that an input of this resource reads the other one, directly (<c>${other.arn}</c>) or through a variable
    /// such as a policy document; the engine then creates the other one first.
    /// </summary>
    public ResourceAssertion References(string logicalName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logicalName);
        _template.Resource(logicalName);
        var edges = _template.Graph.ReferencesFrom(Resource).Where(e => e.Property != "dependsOn").ToList();
        return edges.Any(e => e.To.LogicalName == logicalName)
            ? this
            : throw Fail("properties", $"an input referencing '{logicalName}'",
                edges.Count == 0 ? "no references to other resources" : "references to " + string.Join(", ", edges.Select(e => $"{e.To.LogicalName} (in {e.Property})").Distinct()));
    }

    /// <summary>Asserts <c>protect: true</c>: the engine refuses to delete the resource.</summary>
    public ResourceAssertion IsProtected() => HasOption("protect", true);

    /// <summary>Asserts that the resource is not protected (no <c>protect</c>, or <c>protect: false</c>).</summary>
    public ResourceAssertion IsNotProtected()
    {
        var protect = Options.FirstOrDefault(e => e.Key == "protect").Value;
        return protect is not true ? this : throw Fail("options.protect", "no protect or false", "true");
    }

    /// <summary>Asserts <c>retainOnDelete: true</c>: the cloud resource stays when it leaves the program.</summary>
    public ResourceAssertion RetainsOnDelete() => HasOption("retainOnDelete", true);

    /// <summary>Asserts an alias with this former logical name (or this former URN), so a rename moves the resource.</summary>
    public ResourceAssertion HasAlias(string formerNameOrUrn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(formerNameOrUrn);
        var aliases = Options.FirstOrDefault(e => e.Key == "aliases").Value as List<object?> ?? [];
        var names = aliases.Select(a => a as string ?? (a is OrderedMap map ? map.FirstOrDefault(e => e.Key == "name").Value as string : null)).ToList();
        return names.Contains(formerNameOrUrn)
            ? this
            : throw Fail("options.aliases", $"an alias '{formerNameOrUrn}'", aliases.Count == 0 ? "no aliases" : string.Join(", ", names.Select(n => $"'{n}'")));
    }

    /// <summary>Asserts that the engine ignores changes to these input properties (<c>ignoreChanges</c>).</summary>
    public ResourceAssertion IgnoresChanges(params string[] properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var ignored = OptionList("ignoreChanges");
        var missing = properties.Where(p => !ignored.Contains(p)).ToList();
        return missing.Count == 0
            ? this
            : throw Fail("options.ignoreChanges", string.Join(", ", properties.Select(p => $"'{p}'")), ignored.Count == 0 ? "none" : string.Join(", ", ignored.Select(p => $"'{p}'")));
    }

    /// <summary>
    /// Asserts that the resource belongs to the component at this path (<c>api</c>, <c>api/function</c>) or to one inside it.
    /// Pulumi YAML has no component resources: the program shows membership by name prefix and <c>component</c> tags.
    /// </summary>
    public ResourceAssertion IsPartOf(string componentPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(componentPath);
        var path = ComponentPath;
        return path == componentPath || path.StartsWith(componentPath + "/", StringComparison.Ordinal)
            ? this
            : throw Fail("(component)", $"component '{componentPath}'", path.Length == 0 ? "a resource of the stack itself" : $"component '{path}'");
    }

    /// <summary>The resource as a failure message names it: <c>resource 'api-function' (aws:lambda/function:Function)</c>.</summary>
    public override string ToString() => $"resource '{LogicalName}' ({Type})";

    /// <summary>The mismatches of a pattern against the properties, without throwing (for searches).</summary>
    internal IReadOnlyList<string> Mismatches(Match pattern) =>
        [.. pattern.Run(Properties, true, _template.MatchContext).Select(f => f.Describe("properties"))];

    private ResourceAssertion HasOption(string option, object expected)
    {
        var value = Options.FirstOrDefault(e => e.Key == option).Value;
        return Equals(value, expected) ? this : throw Fail("options." + option, ProgramValues.Show(expected), value is null ? "not set" : ProgramValues.Show(value));
    }

    private List<string> OptionList(string option) =>
        (Options.FirstOrDefault(e => e.Key == option).Value as List<object?> ?? []).OfType<string>().ToList();

    private OrderedMap Section(string name) => Declaration.FirstOrDefault(e => e.Key == name).Value as OrderedMap ?? [];

    private StackAssertionException Fail(string at, IReadOnlyList<MatchFailure> failures) => failures.Count == 1
        ? new($"{this} {failures[0].Describe(at)}")
        : new($"{this}:\n{string.Join("\n", failures.Take(10).Select(f => "  " + f.Describe(at)))}" +
            (failures.Count > 10 ? $"\n  ... and {failures.Count - 10} more" : ""));

    private StackAssertionException Fail(string at, string expected, string found) => new($"{this} at {at}: expected {expected}, found {found}");

    private static string Suffix(object[] path) => path.Length == 0 ? "" : (path[0] is int ? "" : ".") + ProgramValues.Describe(path);
}
