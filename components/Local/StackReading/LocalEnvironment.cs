using Inference.Contracts;
using Infra.Core;

namespace Infra.Local.StackReading;

/// <summary>A variable of the deployed function that the local one runs without, and why.</summary>
public sealed record DroppedVariable(string Name, string Reason);

/// <summary>
/// The environment a function runs with locally, from the variables the synthesized program
/// gives it. Literals pass as they are and config references (secrets included) are read from
/// the stack's config. References to AWS resources (tables, buckets) have no local value: they
/// are left out, and so are the settings that only work together with one of them, unless local mode binds them:
/// a binding (a batch component's folders, or the endpoint of a local stand-in with --emulators) replaces the
/// variable of the same name, and adds those the deployed function does not have.
/// </summary>
public sealed class LocalEnvironment(ConfigResolver resolver)
{
    /// <summary>
    /// Variables that fail the function's init when their partner is missing: a predictions-log
    /// sample rate above 0 without a table is a configuration error in the function.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> NeedsPartner = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [FunctionEnvironment.PredictionsSampleRate] = FunctionEnvironment.PredictionsTable,
        [FunctionEnvironment.ModelS3Key] = FunctionEnvironment.ModelS3Bucket,
        [FunctionEnvironment.ModelS3Version] = FunctionEnvironment.ModelS3Bucket,
    };

    public (IReadOnlyDictionary<string, string> Variables, IReadOnlyList<DroppedVariable> Dropped) Resolve(
        IEnumerable<KeyValuePair<string, Input<string>>> variables, IReadOnlyDictionary<string, string>? bindings = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        bindings ??= new Dictionary<string, string>();
        var resolved = new SortedDictionary<string, string>(bindings.ToDictionary(), StringComparer.Ordinal);
        var dropped = new List<DroppedVariable>();
        foreach (var (name, value) in variables.Where(v => !bindings.ContainsKey(v.Key)).OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            var (text, unresolved) = resolver.Resolve(value);
            if (text is null)
            {
                dropped.Add(new DroppedVariable(name, unresolved!));
            }
            else
            {
                resolved[name] = text;
            }
        }

        foreach (var (name, partner) in NeedsPartner)
        {
            if (resolved.ContainsKey(name) && dropped.Any(d => d.Name == partner))
            {
                resolved.Remove(name);
                dropped.Add(new DroppedVariable(name, $"it only works together with {partner}, which was left out"));
            }
        }

        // Local mode has no model registry, so a traffic split with registry versions could not start; the rest of it runs.
        if (resolved.TryGetValue(FunctionEnvironment.TrafficSplit, out var split) && !resolved.ContainsKey(FunctionEnvironment.ModelRegistryBucket) && NamesRegistryVersions(split))
        {
            resolved.Remove(FunctionEnvironment.TrafficSplit);
            dropped.Add(new DroppedVariable(FunctionEnvironment.TrafficSplit, "its variants name registry versions (modelVersion), and local mode has no model registry; use modelDir variants to try a split locally"));
        }

        return (resolved, dropped);
    }

    private static bool NamesRegistryVersions(string split)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(split);
            return document.RootElement.TryGetProperty("variants", out var variants) && variants.ValueKind == System.Text.Json.JsonValueKind.Array
                && variants.EnumerateArray().Any(v => v.ValueKind == System.Text.Json.JsonValueKind.Object && v.TryGetProperty("modelVersion", out _));
        }
        catch (System.Text.Json.JsonException)
        {
            return false; // the function reports a malformed split itself, at init
        }
    }
}
