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

    /// <summary>
    /// A duration AWS takes as a whole number of <paramref name="unit"/> (Lambda's timeout in seconds, a log retention in
    /// days): a fraction of the unit is refused, never rounded, and the count must be from <paramref name="min"/> to <paramref name="max"/>.
    /// </summary>
    public ArgsValidation Duration(string key, TimeSpan value, TimeUnit unit, long min, long max) =>
        Check(unit.IsWhole(value) && unit.Count(value) >= min && unit.Count(value) <= max, key, value,
            $"a whole number of {unit.Name} from {min} to {max}");

    /// <summary>A duration AWS takes as one of a fixed list of whole <paramref name="unit"/> counts (CloudWatch's retention days).</summary>
    public ArgsValidation DurationOneOf(string key, TimeSpan value, TimeUnit unit, IReadOnlyCollection<int> allowed) =>
        Check(unit.IsWhole(value) && allowed.Contains((int)unit.Count(value)), key, value,
            $"a whole number of {unit.Name}, one of " + string.Join(", ", allowed));

    /// <summary>A size AWS takes in whole mebibytes ("MB" in Lambda's memory and <c>/tmp</c> settings), from <paramref name="min"/> to <paramref name="max"/> MiB.</summary>
    public ArgsValidation Mebibytes(string key, DataSize value, long min, long max) =>
        Check(value.IsWholeMebibytes && value >= DataSize.FromMebibytes(min) && value <= DataSize.FromMebibytes(max), key, value,
            $"a whole number of MiB from {min} to {max}");

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
        TimeSpan duration => TimeUnit.Describe(duration),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
