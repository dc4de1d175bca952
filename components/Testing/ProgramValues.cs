using System.Globalization;
using Infra.Core.Synthesis;

namespace Infra.Testing;

/// <summary>
/// Walks the values of a synthesized program: maps by key, lists by index. The escape hatch under the kit's
/// typed assertions, for a value they do not cover.
/// </summary>
public static class ProgramValues
{
    /// <summary>Follows map keys and list indexes, e.g. <c>At(policy, "Statement", 0, "Effect")</c>.</summary>
    public static object? At(object? node, params object[] path)
    {
        ArgumentNullException.ThrowIfNull(path);
        for (var depth = 0; depth < path.Length; depth++)
        {
            node = Step(node, path[depth]) is { Found: true } next
                ? next.Value
                : throw new StackAssertionException($"{Describe(path[..depth])}: expected {Expectation(path[depth])}, found {Show(node)}");
        }

        return node;
    }

    /// <summary>Whether every step of the path exists.</summary>
    public static bool Has(object? node, params object[] path)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var step in path)
        {
            var next = Step(node, step);
            if (!next.Found)
            {
                return false;
            }

            node = next.Value;
        }

        return true;
    }

    /// <summary>A path as a reader writes it: <c>properties.environment.variables[0]</c>; the root is <c>(root)</c>.</summary>
    public static string Describe(IEnumerable<object> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var text = string.Concat(path.Select((step, i) => step is int index
            ? string.Create(CultureInfo.InvariantCulture, $"[{index}]")
            : (i == 0 ? "" : ".") + step));
        return text.Length == 0 ? "(root)" : text;
    }

    /// <summary>A short, single-line rendering of a value for a failure message.</summary>
    public static string Show(object? value) => value switch
    {
        null => "null",
        string text => $"'{text}'",
        bool flag => flag ? "true" : "false",
        OrderedMap map => map.Count == 0 ? "{}" : "a map with keys " + string.Join(", ", map.Select(e => e.Key)),
        List<object?> list => $"a list of {list.Count}",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? value.GetType().Name,
    };

    private static (bool Found, object? Value) Step(object? node, object step) => (node, step) switch
    {
        (OrderedMap map, string key) => map.FindIndex(e => e.Key == key) is var i and >= 0 ? (true, map[i].Value) : (false, null),
        (List<object?> list, int index) => index >= 0 && index < list.Count ? (true, list[index]) : (false, null),
        _ => (false, null),
    };

    private static string Expectation(object step) => step is int index
        ? string.Create(CultureInfo.InvariantCulture, $"a list with an item [{index}]")
        : $"a map with key '{step}'";
}
