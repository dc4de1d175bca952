using Infra.Core;
using Infra.Core.Synthesis;

namespace Infra.Testing;

/// <summary>
/// A synthesized program under test: the YAML program Pulumi would run, as a tree of maps and lists.
/// </summary>
public sealed class StackTemplate
{
    private StackTemplate(Stack stack, OrderedMap program)
    {
        Stack = stack;
        Program = program;
    }

    /// <summary>The stack the program was synthesized from.</summary>
    public Stack Stack { get; }

    /// <summary>The program as synthesis wrote it: <c>resources</c>, <c>outputs</c>, <c>config</c>, <c>variables</c>.</summary>
    public OrderedMap Program { get; }

    /// <summary>Synthesizes a stack that a test built directly, e.g. one component in a new <see cref="Stack"/>.</summary>
    public static StackTemplate FromStack(Stack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return new StackTemplate(stack, ProgramSynthesizer.Synthesize(stack));
    }

    /// <summary>Follows map keys and list indexes from the program's root; see <see cref="ProgramValues.At"/>.</summary>
    public object? At(params object[] path) => ProgramValues.At(Program, path);

    /// <summary>Whether the program has a value at the path.</summary>
    public bool Has(params object[] path) => ProgramValues.Has(Program, path);

    /// <summary>The resource with this logical name, as the program declares it (type, properties, options).</summary>
    public OrderedMap Resource(string logicalName)
    {
        if (!ProgramValues.Has(Program, "resources", logicalName))
        {
            throw new StackAssertionException($"resource '{logicalName}': expected in the program, found none{Nearest(logicalName)}");
        }

        return (OrderedMap)ProgramValues.At(Program, "resources", logicalName)!;
    }

    /// <summary>A property of a resource, e.g. <c>Property("api-function", "environment", "variables")</c>.</summary>
    public object? Property(string logicalName, params object[] path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var properties = Resource(logicalName).FirstOrDefault(e => e.Key == "properties").Value;
        for (var depth = 0; depth < path.Length; depth++)
        {
            if (!ProgramValues.Has(properties, path[..(depth + 1)]))
            {
                throw new StackAssertionException(
                    $"resource '{logicalName}' ({TypeOf(logicalName)}) at properties.{ProgramValues.Describe(path[..(depth + 1)])}: " +
                    $"expected a value, found none (at properties{(depth == 0 ? "" : "." + ProgramValues.Describe(path[..depth]))}: {ProgramValues.Show(ProgramValues.At(properties, path[..depth]))})");
            }
        }

        return ProgramValues.At(properties, path);
    }

    /// <summary>The logical names of every resource in the program, in program order.</summary>
    public IReadOnlyList<string> ResourceNames =>
        Program.FirstOrDefault(e => e.Key == "resources").Value is OrderedMap resources ? resources.Select(e => e.Key).ToList() : [];

    private string TypeOf(string logicalName) => Resource(logicalName).FirstOrDefault(e => e.Key == "type").Value as string ?? "no type";

    private string Nearest(string logicalName)
    {
        var similar = ResourceNames.Where(n => n.Contains(logicalName, StringComparison.Ordinal) || logicalName.Contains(n, StringComparison.Ordinal)).Take(5).ToList();
        return similar.Count == 0 ? "" : $" (similar names: {string.Join(", ", similar)})";
    }
}
