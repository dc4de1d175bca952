using System.Text.Json;

namespace Infra.Components;

/// <summary>
/// The shared function's <c>ENSEMBLES</c> and <c>ROUTER</c> variables (functions/README.md documents their format), written
/// from the validated args, so the function and the component agree on one schema.
/// </summary>
internal static class RouterFunctionSettings
{
    public static string? Ensembles(IReadOnlyList<EnsembleArgs> ensembles) => ensembles.Count == 0 ? null : Write(w =>
    {
        w.WriteStartArray();
        foreach (var ensemble in ensembles)
        {
            w.WriteStartObject();
            w.WriteString("name", ensemble.Name);
            w.WriteString("combine", ensemble.Combine == EnsembleCombination.Vote ? "vote" : "average");
            w.WriteStartArray("members");
            foreach (var member in ensemble.Members)
            {
                w.WriteStartObject();
                w.WriteString("model", member.Model);
                w.WriteNumber("weight", member.Weight);
                w.WriteNumber("timeoutMs", member.TimeoutMs);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    public static string? Router(string name, IReadOnlyList<RequestRule> rules, string? defaultTarget) =>
        rules.Count == 0 && defaultTarget is null ? null : Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteStartArray("rules");
            foreach (var rule in rules)
            {
                w.WriteStartObject();
                switch (rule.Match)
                {
                    case RequestMatch.ContentType:
                        w.WriteString("contentType", rule.Key);
                        break;
                    case RequestMatch.Header:
                        w.WriteString("header", rule.Key);
                        w.WriteString("equals", rule.Value);
                        break;
                    default:
                        w.WriteString("parameter", rule.Key);
                        w.WriteString("equals", rule.Value);
                        break;
                }

                w.WriteString("model", rule.Target);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (defaultTarget is not null)
            {
                w.WriteString("default", defaultTarget);
            }

            w.WriteEndObject();
        });

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Lambda's limit on all of a function's variables together (names and values).</summary>
    public const int EnvironmentLimitBytes = 4096;

    public static int Size(IEnumerable<KeyValuePair<string, string>> literals) =>
        literals.Sum(v => System.Text.Encoding.UTF8.GetByteCount(v.Key) + System.Text.Encoding.UTF8.GetByteCount(v.Value));

}
