using Infra.Core;
using Infra.Core.Synthesis;

namespace Components.Tests;

/// <summary>Builds small stacks and reads values out of the synthesized program.</summary>
internal static class ProgramAssertions
{
    public static Stack NewStack(string name = "dev") => new("proj", name);

    public static OrderedMap Synth(Stack stack) => ProgramSynthesizer.Synthesize(stack);

    /// <summary>Follows map keys and list indexes, e.g. <c>At(p, "resources", "b", "properties", "tags")</c>.</summary>
    public static object? At(object? node, params object[] path)
    {
        foreach (var step in path)
        {
            node = (node, step) switch
            {
                (OrderedMap map, string key) => map.Single(e => e.Key == key).Value,
                (List<object?> list, int index) => list[index],
                _ => throw new KeyNotFoundException($"cannot take '{step}' of {node?.GetType().Name ?? "null"}"),
            };
        }

        return node;
    }

    public static bool Has(object? node, params object[] path)
    {
        try
        {
            At(node, path);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static OrderedMap Resource(OrderedMap program, string name) => (OrderedMap)At(program, "resources", name)!;

    public static object? Property(OrderedMap program, string resource, params object[] path) =>
        At(program, ["resources", resource, "properties", .. path]);

    /// <summary>The statements of a resource's policy written as <c>fn::toJSON</c>.</summary>
    public static List<object?> Statements(OrderedMap program, string resource, string property = "policy") =>
        (List<object?>)Property(program, resource, property, "fn::toJSON", "Statement")!;

    public static object? Sid(List<object?> statements, string sid) => statements.Single(s => (string?)At(s, "Sid") == sid);
}
