using Infra.Configuration;
using Infra.Core;

namespace Infra.Local.StackReading;

/// <summary>
/// Turns a program value into the string it would have at deployment, where that is knowable on
/// this machine: a literal, or a reference to a config key (secrets included) that has a plain
/// value in the stack's config. Anything else (a resource output, an invoke) is unknown here.
/// </summary>
public sealed class ConfigResolver(string projectName, ConfigValues config)
{
    /// <summary>The value, or null with the reason it cannot be resolved locally.</summary>
    public (string? Value, string? Unresolved) Resolve(IProgramValueSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.ToProgramValue() switch
        {
            LiteralValue { Value: string text } => (text, null),
            LiteralValue { Value: var other } when other is not null => (Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture), null),
            ReferenceValue { Target: ConfigSymbol symbol, Path: null } => FromConfig(symbol),
            ReferenceValue { Target: Resource resource } reference => (null, $"it references {reference.Render()}, an output of {resource.TypeToken}, which exists only in AWS"),
            var other => (null, $"it is the expression {Describe(other)}, which only the Pulumi engine evaluates"),
        };
    }

    private (string? Value, string? Unresolved) FromConfig(ConfigSymbol symbol)
    {
        var key = symbol.Name.Contains(':', StringComparison.Ordinal) ? symbol.Name : projectName + ":" + symbol.Name;
        if (config.Values.TryGetValue(key, out var value))
        {
            return (value, null);
        }

        return config.EncryptedKeys.Contains(key)
            ? (null, $"config key '{key}' is encrypted in the stack file and only Pulumi can decrypt it")
            : (null, $"config key '{key}' is not set");
    }

    private static string Describe(ProgramValue value) => value switch
    {
        ReferenceValue reference => reference.Render(),
        FunctionValue function => function.Function,
        InterpolationValue => "an interpolated string",
        _ => value.GetType().Name,
    };
}
