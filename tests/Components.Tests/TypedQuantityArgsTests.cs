using System.Reflection;
using System.Text.RegularExpressions;
using Infra.Components;
using Infra.Core;

namespace Components.Tests;

/// <summary>
/// Durations and sizes in the components' Args are typed (<see cref="TimeSpan"/>, <see cref="DataSize"/>), never a bare
/// number whose unit only its name tells (<c>TimeoutSeconds</c>, <c>MemoryMb</c>): a caller can't pass minutes where
/// seconds were meant, and the unit AWS takes is the component's business.
/// </summary>
public partial class TypedQuantityArgsTests
{
    private static readonly Type[] Numbers = [typeof(int), typeof(long), typeof(double), typeof(decimal), typeof(float)];

    [GeneratedRegex("(Seconds|Secs|Minutes|Mins|Hours|Days|Ms|Millis|Milliseconds|Mb|MB|Mib|Kb|KB|Gb|GB|Bytes)$")]
    private static partial Regex UnitSuffix();

    /// <summary>The Args records of every component, and the records they hold (nested args, list elements).</summary>
    private static IEnumerable<Type> ArgsTypes()
    {
        var components = typeof(InferenceFunction).Assembly;
        var pending = new Queue<Type>(components.GetTypes()
            .Where(type => type.IsSubclassOf(typeof(ComponentResource)) && !type.IsAbstract)
            .SelectMany(type => type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
            .SelectMany(constructor => constructor.GetParameters())
            .Select(parameter => parameter.ParameterType)
            .Where(type => type.Name.EndsWith("Args", StringComparison.Ordinal)));
        var seen = new HashSet<Type>();
        while (pending.TryDequeue(out var type))
        {
            if (type.Assembly != components || !seen.Add(type))
            {
                continue;
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var propertyType = property.PropertyType;
                pending.Enqueue(Nullable.GetUnderlyingType(propertyType) ?? propertyType);
                foreach (var argument in propertyType.IsGenericType ? propertyType.GetGenericArguments() : [])
                {
                    pending.Enqueue(argument);
                }
            }
        }

        return seen;
    }

    [Fact]
    public void No_args_property_is_a_bare_number_with_its_unit_in_its_name()
    {
        var types = ArgsTypes().ToList();
        var untyped = types
            .SelectMany(type => type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(property => (type, property)))
            .Where(p => Numbers.Contains(Nullable.GetUnderlyingType(p.property.PropertyType) ?? p.property.PropertyType)
                        && UnitSuffix().IsMatch(p.property.Name))
            .Select(p => $"{p.type.Name}.{p.property.Name}")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Contains(typeof(InferenceFunctionArgs), types);
        Assert.Contains(typeof(RoutedModel), types);
        Assert.True(untyped.Count == 0, "bare numbers with a unit in the name: " + string.Join(", ", untyped));
    }
}
