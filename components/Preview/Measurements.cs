using System.Text.Json;
using System.Text.Json.Serialization;

namespace Infra.Preview;

/// <summary>What <c>serve</c> measured for one function locally.</summary>
public sealed record FunctionMeasurement(
    [property: JsonPropertyName("invocations")] long Invocations,
    [property: JsonPropertyName("p50DurationMs")] double P50DurationMs,
    [property: JsonPropertyName("p95DurationMs")] double P95DurationMs,
    [property: JsonPropertyName("maxMemoryMb")] double? MaxMemoryMb,
    [property: JsonPropertyName("measuredAt")] string? MeasuredAt);

/// <summary>
/// <c>.build/serve/&lt;stack&gt;/measurements.json</c>, written by <c>serve</c>: measured durations
/// per function, keyed by component path. Preview prefers them to the configured durations.
/// </summary>
public sealed class Measurements
{
    private readonly IReadOnlyDictionary<string, FunctionMeasurement> _functions;

    private Measurements(string? source, IReadOnlyDictionary<string, FunctionMeasurement> functions)
    {
        Source = source;
        _functions = functions;
    }

    public static Measurements None { get; } = new(null, new Dictionary<string, FunctionMeasurement>());

    /// <summary>The file the measurements came from; null when there is none.</summary>
    public string? Source { get; }

    public static string PathFor(string projectRoot, string stackName) => Path.Combine(projectRoot, ".build", "serve", stackName, "measurements.json");

    /// <summary>Reads the stack's measurements; a missing file is no measurements, a malformed one an error naming the file.</summary>
    public static Measurements Load(string projectRoot, string stackName)
    {
        var file = PathFor(projectRoot, stackName);
        if (!File.Exists(file))
        {
            return None;
        }

        try
        {
            var document = JsonSerializer.Deserialize<Document>(File.ReadAllText(file));
            var functions = document?.Functions ?? throw new InvalidDataException("it has no \"functions\" object");
            foreach (var (path, measurement) in functions)
            {
                if (measurement is null || measurement.Invocations <= 0 || measurement.P50DurationMs <= 0 || measurement.P95DurationMs < measurement.P50DurationMs)
                {
                    throw new InvalidDataException($"function '{path}' needs invocations > 0 and 0 < p50DurationMs <= p95DurationMs");
                }
            }

            return new Measurements(file, functions);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{file} is not valid measurements JSON: {error.Message}", error);
        }
        catch (InvalidDataException error) when (!error.Message.StartsWith(file, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{file}: {error.Message}", error);
        }
    }

    /// <summary>The measurement for a function's component path, or for the nearest enclosing component (serve keys by API name).</summary>
    public FunctionMeasurement? For(string componentPath)
    {
        for (var path = componentPath; path.Length > 0; path = path.Contains('/', StringComparison.Ordinal) ? path[..path.LastIndexOf('/')] : "")
        {
            if (_functions.TryGetValue(path, out var measurement))
            {
                return measurement;
            }
        }

        return null;
    }

    private sealed record Document([property: JsonPropertyName("functions")] Dictionary<string, FunctionMeasurement>? Functions);
}
