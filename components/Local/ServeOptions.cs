using System.Globalization;
using Infra.Hosting;

namespace Infra.Local;

/// <summary>The options of <c>serve</c>, validated: a bad value names the option, the value and what is allowed.</summary>
public sealed record ServeOptions(string? Stack, int Port, int MaxInstances, TimeSpan IdleTimeout)
{
    /// <summary>--emulators: tables in DynamoDB Local, buckets in fauxqs, the shared cache in redis-server, instead of folders and the JSON-lines log.</summary>
    public bool Emulators { get; init; }

    public const int DefaultPort = 4000;

    /// <summary>Two cores: two function processes at once keep a warm request fast (each uses its own ONNX Runtime threads).</summary>
    public const int DefaultMaxInstances = 2;

    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(5);

    public static ServeOptions Parse(CommandLine commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        if (commandLine.Flag("emulators") && commandLine.Option("emulators") is { } value)
        {
            throw new ServeException($"--emulators takes no value, but got '{value}': write it last, or before another --option");
        }

        return new ServeOptions(
            commandLine.Option("stack"),
            Integer(commandLine, "port", DefaultPort, 1, 65535),
            Integer(commandLine, "max-instances", DefaultMaxInstances, 1, 64),
            TimeSpan.FromSeconds(Integer(commandLine, "idle-timeout", (int)DefaultIdleTimeout.TotalSeconds, 1, 86_400)))
        {
            Emulators = commandLine.Flag("emulators"),
        };
    }

    private static int Integer(CommandLine commandLine, string name, int defaultValue, int min, int max)
    {
        if (!commandLine.OptionNames.Contains(name))
        {
            return defaultValue;
        }

        var raw = commandLine.Option(name);
        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ServeException($"--{name} '{raw}' is invalid: expected an integer from {min} to {max}");
    }
}
