using System.Globalization;
using System.Text.Json;
using Inference.Contracts;
using E = Inference.Contracts.EnsembleConfig.Fields;

namespace Inference.Ensembles;

/// <summary>
/// Reads the <c>ENSEMBLES</c> variable: a JSON array of
/// <c>{"name","combine":"vote|average","members":[{"model","weight":1,"timeoutMs":5000}]}</c>.
/// Every problem fails init with a message naming the variable, the ensemble, the field, the value and what is allowed.
/// </summary>
public static class EnsemblesVariable
{
    public const string Variable = FunctionEnvironment.Ensembles;
    public const int DefaultTimeoutMs = 5_000;
    public const int MaxTimeoutMs = 900_000;

    /// <param name="json">The variable's value; null or blank means no ensembles.</param>
    /// <param name="served">The models this function serves, by name: members must be among them, ensemble names must not.</param>
    public static IReadOnlyList<EnsembleDefinition> Parse(string? json, IReadOnlyDictionary<string, ModelDefinition> served)
    {
        ArgumentNullException.ThrowIfNull(served);
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw Problem($"is not valid JSON ({error.Message}); expected an array of {{\"name\",\"combine\",\"members\"}} objects");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw Problem($"is a JSON {document.RootElement.ValueKind}; expected an array of {{\"name\",\"combine\",\"members\"}} objects");
            }

            var ensembles = new List<EnsembleDefinition>();
            foreach (var element in document.RootElement.EnumerateArray())
            {
                var ensemble = ParseEnsemble(element, ensembles.Count, served);
                if (ensembles.Any(e => e.Name == ensemble.Name))
                {
                    throw Problem($"names ensemble '{ensemble.Name}' twice; each ensemble needs its own name");
                }

                ensembles.Add(ensemble);
            }

            return ensembles;
        }
    }

    private static EnsembleDefinition ParseEnsemble(JsonElement element, int index, IReadOnlyDictionary<string, ModelDefinition> served)
    {
        var where = $"[{index}]";
        RequireObject(element, where, [E.Name, E.Combine, E.Members]);
        var name = RequireString(element, E.Name, where);
        if (!ModelConfigLoader.IsValidName(name))
        {
            throw Problem($"{where}.name is '{name}'; allowed: {ModelConfigLoader.NameRules}");
        }

        where = $"ensemble '{name}'";
        if (served.ContainsKey(name))
        {
            throw Problem($"{where} has the name of a served model; an ensemble needs a name of its own");
        }

        var combine = RequireString(element, E.Combine, where) switch
        {
            EnsembleConfig.Vote => EnsembleCombine.Vote,
            EnsembleConfig.Average => EnsembleCombine.Average,
            var other => throw Problem($"{where}: combine is '{other}'; allowed: vote (classification), average (embeddings, regression, scores)"),
        };

        if (!element.TryGetProperty(E.Members, out var membersElement) || membersElement.ValueKind != JsonValueKind.Array)
        {
            throw Problem($"{where}: members is missing or not an array; expected [{{\"model\",\"weight\",\"timeoutMs\"}}, ...]");
        }

        var members = new List<EnsembleMember>();
        foreach (var memberElement in membersElement.EnumerateArray())
        {
            var member = ParseMember(memberElement, $"{where}: members[{members.Count}]", served);
            if (members.Any(m => m.Model == member.Model))
            {
                throw Problem($"{where} lists member '{member.Model}' twice; give it one entry with the combined weight");
            }

            if (combine == EnsembleCombine.Vote && served[member.Model].Config.Postprocessing?.Type != "classification")
            {
                throw Problem($"{where}: member '{member.Model}' is not a classification model (its model.json has no classification postprocessing); " +
                    "vote combines classifiers only, use combine 'average' for embeddings and regression");
            }

            members.Add(member);
        }

        if (members.Count < 2)
        {
            throw Problem($"{where} has {members.Count} member(s); an ensemble needs at least 2");
        }

        return new EnsembleDefinition(name, combine, members);
    }

    private static EnsembleMember ParseMember(JsonElement element, string where, IReadOnlyDictionary<string, ModelDefinition> served)
    {
        RequireObject(element, where, [E.Model, E.Weight, E.TimeoutMs]);
        var model = RequireString(element, E.Model, where);
        if (!served.ContainsKey(model))
        {
            throw Problem($"{where}: model '{model}' is not served by this function; served: {string.Join(", ", served.Keys.Order(StringComparer.Ordinal))}");
        }

        var weight = 1.0;
        if (element.TryGetProperty(E.Weight, out var weightElement))
        {
            if (weightElement.ValueKind != JsonValueKind.Number || !weightElement.TryGetDouble(out weight) || !double.IsFinite(weight) || weight <= 0 || weight > 1000)
            {
                throw Problem($"{where}: weight is {weightElement.GetRawText()}; allowed: a number above 0, at most 1000");
            }
        }

        var timeoutMs = DefaultTimeoutMs;
        if (element.TryGetProperty(E.TimeoutMs, out var timeoutElement)
            && (timeoutElement.ValueKind != JsonValueKind.Number || !timeoutElement.TryGetInt32(out timeoutMs) || timeoutMs < 1 || timeoutMs > MaxTimeoutMs))
        {
            throw Problem($"{where}: timeoutMs is {timeoutElement.GetRawText()}; allowed: a whole number of milliseconds from 1 to {MaxTimeoutMs.ToString(CultureInfo.InvariantCulture)}");
        }

        return new EnsembleMember(model, weight, TimeSpan.FromMilliseconds(timeoutMs));
    }

    private static void RequireObject(JsonElement element, string where, string[] fields)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Problem($"{where} is a JSON {element.ValueKind}; expected an object");
        }

        foreach (var property in element.EnumerateObject().Where(p => !fields.Contains(p.Name)))
        {
            throw Problem($"{where} has the unknown field '{property.Name}'; allowed: {string.Join(", ", fields)}");
        }
    }

    private static string RequireString(JsonElement element, string field, string where) =>
        element.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Problem($"{where}: {field} is missing or not a non-empty string");

    private static InvalidOperationException Problem(string what) => new($"{Variable} {what}.");
}
