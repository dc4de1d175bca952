using System.Collections.Concurrent;
using System.Reflection;

namespace Infra.Core;

/// <summary>
/// Base of every typed argument bag (resource arguments and their nested types). Properties
/// marked with <see cref="InputAttribute"/> are emitted under the provider's name; unset
/// properties are omitted.
/// </summary>
public abstract class ResourceArgs : IProgramValueSource
{
    private static readonly ConcurrentDictionary<Type, (string Name, PropertyInfo Property)[]> InputsByType = new();

    public virtual ProgramValue ToProgramValue()
    {
        var entries = new Dictionary<string, ProgramValue>(StringComparer.Ordinal);
        foreach (var (name, property) in InputsOf(GetType()))
        {
            var value = property.GetValue(this);
            if (value is not null)
            {
                entries[name] = ValueLowering.Lower(value);
            }
        }

        return new MapValue(entries);
    }

    private static (string Name, PropertyInfo Property)[] InputsOf(Type type) =>
        InputsByType.GetOrAdd(type, t => [.. t
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (p.GetCustomAttribute<InputAttribute>()?.Name, Property: p))
            .Where(p => p.Name is not null)
            .Select(p => (p.Name!, p.Property))]);
}

/// <summary>Argument types that accept AWS tags; components add their standard tags to these.</summary>
public interface ITaggableArgs
{
    InputMap<string>? Tags { get; set; }
}
