using System.Globalization;
using System.Text.Json;

namespace Infra.Testing;

/// <summary>
/// The environment Pulumi's language host gives a program during <c>pulumi up</c>: the stack and project, the config
/// as a JSON object of fully qualified keys and string values (structured values as JSON text), and the keys of the
/// secret values among them, plus the variables a test chose. Nothing of the test process's own environment.
/// </summary>
internal static class PulumiEnvironment
{
    public const string Stack = "PULUMI_STACK";
    public const string Project = "PULUMI_PROJECT";
    public const string Config = "PULUMI_CONFIG";
    public const string SecretKeys = "PULUMI_CONFIG_SECRET_KEYS";

    public static Func<string, string?> For(string project, StackTestOptions options)
    {
        var config = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in options.Config)
        {
            config.Add(Qualify(project, key), Text(key, value));
        }

        var secretKeys = new List<string>();
        foreach (var (key, value) in options.Secrets)
        {
            var qualified = Qualify(project, key);
            if (!config.TryAdd(qualified, value ?? throw new ArgumentException($"secret '{key}' has no value", nameof(options))))
            {
                throw new ArgumentException($"config key '{qualified}' is given both as a plain value and as a secret", nameof(options));
            }

            secretKeys.Add(qualified);
        }

        var variables = new Dictionary<string, string>(options.Environment, StringComparer.Ordinal)
        {
            [Stack] = options.StackName,
            [Project] = project,
            [Config] = JsonSerializer.Serialize(config),
            [SecretKeys] = JsonSerializer.Serialize(secretKeys),
        };
        return name => variables.GetValueOrDefault(name);
    }

    private static string Qualify(string project, string key) => key.Contains(':', StringComparison.Ordinal) ? key : project + ":" + key;

    private static string Text(string key, object? value) => value switch
    {
        null => throw new ArgumentException($"config key '{key}' has no value: leave it out to test the default"),
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable number and (byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal) =>
            number.ToString(null, CultureInfo.InvariantCulture),
        _ => JsonSerializer.Serialize(value),
    };
}
