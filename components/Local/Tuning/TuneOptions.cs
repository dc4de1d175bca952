using System.Globalization;
using System.Text.RegularExpressions;
using Infra.Hosting;

namespace Infra.Local.Tuning;

/// <summary>The options of <c>tune</c>, validated: a bad value names the option, the value and what is allowed.</summary>
public sealed partial record TuneOptions
{
    public const int DefaultRequests = 40;
    public const int DefaultWarmup = 5;
    public const string DefaultConfigKey = "memoryMb";

    public string? Stack { get; init; }

    /// <summary>The component path of the API whose function is measured (<c>embed</c>); null takes the stack's first API.</summary>
    public string? Function { get; init; }

    /// <summary>A bundled model's name or a folder holding a model.json and its ONNX file; null takes the function's model.</summary>
    public string? Model { get; init; }

    /// <summary>The image sent to a model with preprocessing; null uses serve's sample photo.</summary>
    public string? Input { get; init; }

    public IReadOnlyList<int> MemorySizes { get; init; } = LambdaSize.DefaultSizes;

    public int Requests { get; init; } = DefaultRequests;

    public int Warmup { get; init; } = DefaultWarmup;

    public double? TargetP95Ms { get; init; }

    /// <summary>Write the recommended size into <c>Pulumi.&lt;stack&gt;.yaml</c> under <see cref="ConfigKey"/>.</summary>
    public bool Write { get; init; }

    public string ConfigKey { get; init; } = DefaultConfigKey;

    /// <summary>Function environment variables set for the measurement on top of the stack's (e.g. ORT_INTRA_OP_THREADS=1).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public static TuneOptions Parse(CommandLine commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        if (commandLine.Flag("write") && commandLine.Option("write") is { } value)
        {
            throw new ServeException($"--write takes no value, but got '{value}': write it last, or before another --option");
        }

        var configKey = commandLine.Option("config-key");
        if (commandLine.Flag("config-key") && !commandLine.Flag("write"))
        {
            throw new ServeException("--config-key only says where --write puts the recommendation; add --write, or leave --config-key out");
        }

        if (commandLine.Flag("config-key") && (configKey is null || !ConfigKeyPattern().IsMatch(configKey)))
        {
            throw new ServeException($"--config-key is '{configKey}'; allowed: a config key of letters, digits, '-' and '_' starting with a letter, without the project prefix (e.g. memoryMb)");
        }

        var input = Text(commandLine, "input");
        if (input is not null && !File.Exists(input))
        {
            throw new ServeException($"--input '{input}' does not exist; allowed: an image file (.jpg, .png, .webp)");
        }

        return new TuneOptions
        {
            Stack = Text(commandLine, "stack"),
            Function = Text(commandLine, "function"),
            Model = Text(commandLine, "model"),
            Input = input,
            MemorySizes = commandLine.Flag("memory") ? Sizes(commandLine.Option("memory")) : LambdaSize.DefaultSizes,
            Requests = Integer(commandLine, "requests", DefaultRequests, 5, 100_000),
            Warmup = Integer(commandLine, "warmup", DefaultWarmup, 1, 1_000),
            TargetP95Ms = commandLine.Flag("target-p95") ? Milliseconds(commandLine.Option("target-p95")) : null,
            Write = commandLine.Flag("write"),
            ConfigKey = configKey ?? DefaultConfigKey,
            Environment = commandLine.Flag("env") ? Variables(commandLine.Option("env")) : new Dictionary<string, string>(),
        };
    }

    private static string? Text(CommandLine commandLine, string name)
    {
        if (!commandLine.Flag(name))
        {
            return null;
        }

        return commandLine.Option(name) is { Length: > 0 } value ? value : throw new ServeException($"--{name} needs a value");
    }

    private static List<int> Sizes(string? text)
    {
        var allowed = $"allowed: a comma-separated list of memory sizes in MB, each {LambdaSize.MinMemoryMb} to {LambdaSize.MaxMemoryMb} (e.g. 1024,1769,3538)";
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ServeException($"--memory needs a value; {allowed}");
        }

        var sizes = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var mb) || mb < LambdaSize.MinMemoryMb || mb > LambdaSize.MaxMemoryMb)
            {
                throw new ServeException($"--memory has '{part}'; {allowed}");
            }

            if (sizes.Contains(mb))
            {
                throw new ServeException($"--memory has {mb} twice; {allowed}, each once");
            }

            sizes.Add(mb);
        }

        return sizes;
    }

    private static Dictionary<string, string> Variables(string? text)
    {
        const string allowed = "allowed: a comma-separated list of NAME=VALUE, each NAME an environment variable name (e.g. ORT_INTRA_OP_THREADS=1,ORT_ALLOW_SPINNING=true)";
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries))
        {
            var separator = part.IndexOf('=', StringComparison.Ordinal);
            var name = separator > 0 ? part[..separator] : string.Empty;
            if (!VariableNamePattern().IsMatch(name) || !variables.TryAdd(name, part[(separator + 1)..]))
            {
                throw new ServeException($"--env has '{part}'; {allowed}, each name once");
            }
        }

        return variables;
    }

    private static double Milliseconds(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms > 0 && double.IsFinite(ms)
            ? ms
            : throw new ServeException($"--target-p95 is '{text}'; allowed: a latency in milliseconds greater than 0 (e.g. 150)");

    private static int Integer(CommandLine commandLine, string name, int defaultValue, int min, int max)
    {
        if (!commandLine.Flag(name))
        {
            return defaultValue;
        }

        var text = commandLine.Option(name);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ServeException($"--{name} is '{text}'; allowed: a whole number from {min} to {max}");
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex ConfigKeyPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableNamePattern();
}
