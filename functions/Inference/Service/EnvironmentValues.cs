using System.Globalization;

namespace Inference.Service;

/// <summary>Reads environment variables, failing with a message that names the variable and what is allowed.</summary>
public sealed class EnvironmentValues(Func<string, string?> env)
{
    /// <summary>The trimmed value, or null when the variable is unset or blank.</summary>
    public string? Get(string name) => string.IsNullOrWhiteSpace(env(name)) ? null : env(name)!.Trim();

    public long? Long(string name, long min, long max) => Get(name) is { } text ? ParseLong(text, name, min, max) : null;

    public double? Double(string name, double min, double max)
    {
        if (Get(name) is not { } text)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"{name} is '{text}'; allowed: a decimal number from {min} to {max}, e.g. 0.05.");
    }

    private static long ParseLong(string text, string name, long min, long max) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"{name} is '{text}'; allowed: a whole number from {min} to {max}.");
}
