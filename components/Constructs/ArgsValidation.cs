using Infra.Core;

namespace Infra.Components;

/// <summary>
/// Collects a component's argument problems so that one error names the component and every
/// bad key with its value and what is allowed.
/// </summary>
internal sealed class ArgsValidation(string componentPath)
{
    private readonly List<string> _problems = [];

    public ArgsValidation Check(bool valid, string key, object? value, string allowed)
    {
        if (!valid)
        {
            _problems.Add($"{SynthesisException.Describe(componentPath)}{key} = {Show(value)} is invalid: expected {allowed}");
        }

        return this;
    }

    public ArgsValidation Range(string key, int value, int min, int max) =>
        Check(value >= min && value <= max, key, value, $"an integer from {min} to {max}");

    public ArgsValidation OneOf<T>(string key, T value, IReadOnlyCollection<T> allowed) =>
        Check(allowed.Contains(value), key, value, "one of " + string.Join(", ", allowed));

    public void ThrowIfInvalid()
    {
        if (_problems.Count > 0)
        {
            throw new SynthesisException(_problems);
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string text => $"'{text}'",
        NamedValue named => $"'{named.Value}'",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
