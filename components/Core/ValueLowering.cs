using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Infra.Core;

/// <summary>Turns the CLR values that resource arguments hold into program values.</summary>
internal static class ValueLowering
{
    public static ProgramValue Lower(object? value) => value switch
    {
        null => new LiteralValue(null),
        ProgramValue programValue => programValue,
        IProgramValueSource source => source.ToProgramValue(),
        Resource resource => new ReferenceValue(resource, null),
        string or bool => new LiteralValue(value),
        byte or sbyte or short or ushort or int or uint or long => new LiteralValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        ulong or float or double or decimal => new LiteralValue(Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture)),
        Enum => throw new NotSupportedException($"Enum value '{value}' of {value.GetType().Name} has no program representation; use the provider's string constant."),
        IDictionary dictionary => LowerDictionary(dictionary),
        IEnumerable sequence => new ListValue([.. sequence.Cast<object?>().Select(Lower)]),
        _ when IsAnonymous(value.GetType()) => LowerAnonymous(value),
        _ => throw new NotSupportedException($"A value of type {value.GetType().FullName} cannot be used in a program; use an Args class, a dictionary, a list or an anonymous object."),
    };

    private static MapValue LowerDictionary(IDictionary dictionary)
    {
        var entries = new Dictionary<string, ProgramValue>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in dictionary)
        {
            var key = entry.Key as string ?? throw new NotSupportedException($"Map keys must be strings, not {entry.Key.GetType().Name}.");
            entries[key] = Lower(entry.Value);
        }

        return new MapValue(entries);
    }

    // Anonymous objects keep their member names as written: this is how policy documents
    // ("Version", "Statement") are spelled naturally in C#.
    private static MapValue LowerAnonymous(object value) =>
        new(value.GetType()
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (p.Name, Value: p.GetValue(value)))
            .Where(p => p.Value is not null)
            .ToDictionary(p => p.Name, p => Lower(p.Value), StringComparer.Ordinal));

    private static bool IsAnonymous(Type type) =>
        type.IsDefined(typeof(CompilerGeneratedAttribute), false) && type.Name.Contains("AnonymousType", StringComparison.Ordinal);
}
