using Infra.Core;

namespace Infra.Core.Synthesis;

/// <summary>Renders program values into Pulumi YAML's data model.</summary>
internal static class ValueRenderer
{
    public static object? Render(ProgramValue value) => value switch
    {
        LiteralValue { Value: string text } => Escape(text),
        LiteralValue literal => literal.Value,
        ReferenceValue reference => reference.Render(),
        BuiltinValue builtin => "${" + builtin.Expression + "}",
        InterpolationValue interpolation => RenderInterpolation(interpolation),
        FunctionValue function => new OrderedMap { { function.Function, Render(function.Argument) } },
        ListValue list => list.Items.Select(Render).ToList(),
        MapValue map => RenderMap(map),
        _ => throw new NotSupportedException($"Unknown program value {value.GetType().Name}."),
    };

    public static OrderedMap RenderMap(MapValue map)
    {
        var rendered = new OrderedMap();
        foreach (var key in map.Entries.Keys.Order(StringComparer.Ordinal))
        {
            rendered.Add(key, Render(map.Entries[key]));
        }

        return rendered;
    }

    /// <summary>Pulumi YAML reads <c>$$</c> as a literal <c>$</c>, so every literal dollar is doubled.</summary>
    public static string Escape(string text) => text.Replace("$", "$$", StringComparison.Ordinal);

    private static string RenderInterpolation(InterpolationValue interpolation) =>
        string.Concat(interpolation.Parts.Select(part => part switch
        {
            LiteralValue { Value: string text } => Escape(text),
            LiteralValue { Value: bool flag } => flag ? "true" : "false",
            LiteralValue literal => Convert.ToString(literal.Value, System.Globalization.CultureInfo.InvariantCulture),
            ReferenceValue reference => reference.Render(),
            BuiltinValue builtin => "${" + builtin.Expression + "}",
            _ => throw new SynthesisException("stack",
                $"a {Describe(part)} cannot be interpolated into a string in Pulumi YAML; declare it as a variable and interpolate the variable"),
        }));

    private static string Describe(ProgramValue value) => value is FunctionValue function ? function.Function + " call" : value.GetType().Name;
}
