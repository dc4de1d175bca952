using System.Globalization;
using System.Text.Json;
using Infra.Core;

namespace Infra.Policy;

/// <summary>Reads the lowered program values that rules inspect: nested keys, lists, literals and their text.</summary>
public static class PolicyValues
{
    /// <summary>The value at a dotted path of map keys, e.g. <c>destinationConfig.onFailure.destination</c>; null when absent.</summary>
    public static ProgramValue? At(this ProgramValue? value, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var key in path.Split('.'))
        {
            value = value is MapValue map && map.Entries.TryGetValue(key, out var next) ? next : null;
        }

        return value;
    }

    /// <summary>The items of a list; a single value counts as a list of one (IAM allows both), nothing as none.</summary>
    public static IReadOnlyList<ProgramValue> Items(this ProgramValue? value) => Aws.Iam.IamValues.Items(value);

    /// <summary>True only for a literal true (or "true"): an output is not known to be true at synthesis.</summary>
    public static bool IsTrue(this ProgramValue? value) => value switch
    {
        LiteralValue { Value: true } => true,
        LiteralValue { Value: string text } => string.Equals(text, "true", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    /// <summary>Whether the value is present: not missing, not null and not an empty string.</summary>
    public static bool IsSet(this ProgramValue? value) => value is not (null or LiteralValue { Value: null } or LiteralValue { Value: "" });

    public static string? Literal(this ProgramValue? value) => value is LiteralValue { Value: string text } ? text : null;

    public static decimal? Number(this ProgramValue? value) => value switch
    {
        LiteralValue { Value: long number } => number,
        LiteralValue { Value: decimal number } => number,
        LiteralValue { Value: string text } when decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) => number,
        _ => null,
    };

    /// <summary>
    /// A string value as the program would spell it, references as <c>${name.property}</c>; null
    /// for values that are not strings (maps, lists, function calls).
    /// </summary>
    public static string? Text(this ProgramValue? value) => value switch
    {
        LiteralValue { Value: string text } => text,
        LiteralValue { Value: bool flag } => flag ? "true" : "false",
        LiteralValue { Value: long or decimal } literal => Convert.ToString(literal.Value, CultureInfo.InvariantCulture),
        ReferenceValue reference => reference.Render(),
        BuiltinValue builtin => "${" + builtin.Expression + "}",
        InterpolationValue interpolation => interpolation.Parts.Select(Text).Aggregate((string?)"", (text, part) => text is null || part is null ? null : text + part),
        _ => null,
    };

    /// <summary>A JSON document (a literal policy or redrive policy) as program values, so rules read both forms alike.</summary>
    public static ProgramValue? FromJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return FromJson(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ProgramValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new MapValue(element.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal)),
        JsonValueKind.Array => new ListValue([.. element.EnumerateArray().Select(FromJson)]),
        JsonValueKind.String => new LiteralValue(element.GetString()),
        JsonValueKind.True => new LiteralValue(true),
        JsonValueKind.False => new LiteralValue(false),
        JsonValueKind.Number => new LiteralValue(element.GetDecimal()),
        _ => new LiteralValue(null),
    };

    /// <summary>A JSON-valued input (<c>fn::toJSON</c> of a map, or a literal JSON string) as its object; null otherwise.</summary>
    public static ProgramValue? JsonDocumentOf(this ProgramValue? value) => value switch
    {
        FunctionValue { Function: "fn::toJSON" } function => function.Argument,
        LiteralValue { Value: string json } => FromJson(json),
        _ => null,
    };
}
