using System.Globalization;
using Infra.Core;

namespace Infra.Preview;

/// <summary>Reads literal settings out of a resource's emitted inputs.</summary>
internal static class ProgramValues
{
    public static ProgramValue? At(this MapValue map, params string[] path)
    {
        ProgramValue? current = map;
        foreach (var key in path)
        {
            current = current switch
            {
                MapValue m => m.Entries.GetValueOrDefault(key),
                ListValue l when int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < l.Items.Count => l.Items[i],
                // fn::toJSON and friends wrap a map: look inside.
                FunctionValue f => (f.Argument as MapValue)?.Entries.GetValueOrDefault(key),
                _ => null,
            };
        }

        return current;
    }

    public static string? Text(this MapValue map, params string[] path) => map.At(path) switch
    {
        LiteralValue { Value: { } value } => Convert.ToString(value, CultureInfo.InvariantCulture),
        ReferenceValue reference => reference.Render(),
        null => null,
        _ => "(computed)",
    };

    public static double? Number(this MapValue map, params string[] path) =>
        map.At(path) is LiteralValue { Value: IConvertible value } && value is not string and not bool
            ? Convert.ToDouble(value, CultureInfo.InvariantCulture)
            : null;

    public static bool Flag(this MapValue map, params string[] path) => map.At(path) is LiteralValue { Value: true };

    public static IReadOnlyList<ProgramValue> Items(this MapValue map, params string[] path) =>
        map.At(path) is ListValue list ? list.Items : [];
}
