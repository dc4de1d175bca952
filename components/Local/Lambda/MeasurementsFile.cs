using System.Text.Json;

namespace Infra.Local.Lambda;

/// <summary>
/// Writes <c>.build/serve/&lt;stack&gt;/measurements.json</c>, the contract <c>preview</c> reads:
/// <c>{"functions": {"embed": {"invocations", "p50DurationMs", "p95DurationMs", "maxMemoryMb", "measuredAt"}}}</c>.
/// Functions not invoked in this run keep the entry an earlier run wrote.
/// </summary>
public sealed class MeasurementsFile(string path)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string Path { get; } = path;

    public void Write(IReadOnlyDictionary<string, FunctionMeasurements> functions, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(functions);
        var entries = ReadExisting();
        foreach (var (name, measurements) in functions)
        {
            if (measurements.Summarize(now) is { } summary)
            {
                entries[name] = new Dictionary<string, object>
                {
                    ["invocations"] = summary.Invocations,
                    ["p50DurationMs"] = summary.P50DurationMs,
                    ["p95DurationMs"] = summary.P95DurationMs,
                    ["maxMemoryMb"] = summary.MaxMemoryMb,
                    ["measuredAt"] = summary.MeasuredAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
                };
            }
        }

        if (entries.Count == 0)
        {
            return;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var sorted = new SortedDictionary<string, object>(entries, StringComparer.Ordinal);
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new Dictionary<string, object> { ["functions"] = sorted }, Indented));
        File.Move(temporary, Path, overwrite: true);
    }

    private Dictionary<string, object> ReadExisting()
    {
        var entries = new Dictionary<string, object>(StringComparer.Ordinal);
        if (!File.Exists(Path))
        {
            return entries;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path));
            if (document.RootElement.TryGetProperty("functions", out var functions) && functions.ValueKind == JsonValueKind.Object)
            {
                foreach (var function in functions.EnumerateObject())
                {
                    entries[function.Name] = function.Value.Clone();
                }
            }
        }
        catch (JsonException)
        {
            // A damaged file from an interrupted run: this run's numbers replace it.
        }

        return entries;
    }
}
