using System.Text.Json;
using Inference.Contracts;
using R = Inference.Contracts.RouterConfig.Fields;

namespace Inference.Routing;

/// <summary>The router's settings: the model name it answers under, its rules in order, and the model for requests no rule matches.</summary>
public sealed record RouterDefinition(string Name, IReadOnlyList<RoutingRule> Rules, string? Default);

/// <summary>
/// Reads the <c>ROUTER</c> variable:
/// <c>{"name":"auto","rules":[{"contentType":"image/*","model":"a"},{"header":"x-task","equals":"ocr","model":"b"},
/// {"parameter":"task","equals":"ocr","model":"b"}],"default":"a"}</c>. Each rule has exactly one of
/// <c>contentType</c>, <c>header</c> (with <c>equals</c>) and <c>parameter</c> (with <c>equals</c>). Problems fail init with
/// a message naming the variable, the rule, the field, the value and what is allowed.
/// </summary>
public static class RouterVariable
{
    public const string Variable = FunctionEnvironment.Router;

    /// <param name="targets">What a rule may route to: the served models and the ensembles.</param>
    public static RouterDefinition? Parse(string? json, IReadOnlyCollection<string> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw Problem($"is not valid JSON ({error.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            RequireObject(root, "", [R.Name, R.Rules, R.Default]);
            var name = RequireString(root, R.Name, "");
            if (!ModelConfigLoader.IsValidName(name))
            {
                throw Problem($"name is '{name}'; allowed: {ModelConfigLoader.NameRules}");
            }

            if (targets.Contains(name))
            {
                throw Problem($"name '{name}' is the name of a served model or ensemble; the router needs a name of its own");
            }

            if (!root.TryGetProperty(R.Rules, out var rulesElement) || rulesElement.ValueKind != JsonValueKind.Array)
            {
                throw Problem("rules is missing or not an array");
            }

            var rules = rulesElement.EnumerateArray().Select((rule, index) => ParseRule(rule, $"rules[{index}]", targets)).ToArray();
            string? fallback = null;
            if (root.TryGetProperty(R.Default, out _))
            {
                fallback = RequireString(root, R.Default, "");
                RequireTarget(fallback, R.Default, targets);
            }

            if (rules.Length == 0 && fallback is null)
            {
                throw Problem("has no rules and no default; allowed: at least one rule, or a default model");
            }

            return new RouterDefinition(name, rules, fallback);
        }
    }

    private static RoutingRule ParseRule(JsonElement element, string where, IReadOnlyCollection<string> targets)
    {
        RequireObject(element, where, [R.ContentType, R.Header, R.Parameter, R.EqualsValue, R.Model]);
        var model = RequireString(element, R.Model, where);
        RequireTarget(model, $"{where}.model", targets);
        var kinds = new[] { R.ContentType, R.Header, R.Parameter }.Where(k => element.TryGetProperty(k, out _)).ToArray();
        if (kinds.Length != 1)
        {
            throw Problem($"{where} has {(kinds.Length == 0 ? "none" : string.Join(" and ", kinds))} of contentType, header, parameter; allowed: exactly one");
        }

        if (kinds[0] == R.ContentType)
        {
            var pattern = RequireString(element, R.ContentType, where).ToLowerInvariant();
            if (element.TryGetProperty(R.EqualsValue, out _))
            {
                throw Problem($"{where} has 'equals' with contentType; the media type is the value itself");
            }

            var parts = pattern.Split('/');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[0] == "*" || parts[1].Length == 0 || parts.Any(p => p.Contains(';', StringComparison.Ordinal)))
            {
                throw Problem($"{where}.contentType is '{pattern}'; allowed: a media type such as image/png, or type/* such as image/*");
            }

            return new ContentTypeRule(pattern, model);
        }

        var key = RequireString(element, kinds[0], where);
        var value = RequireString(element, R.EqualsValue, where);
        return kinds[0] == R.Header ? new HeaderRule(key, value, model) : new ParameterRule(key, value, model);
    }

    private static void RequireTarget(string model, string where, IReadOnlyCollection<string> targets)
    {
        if (!targets.Contains(model))
        {
            throw Problem($"{where} is '{model}', which this function does not serve; allowed: {string.Join(", ", targets.Order(StringComparer.Ordinal))}");
        }
    }

    private static void RequireObject(JsonElement element, string where, string[] fields)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Problem($"{where} is a JSON {element.ValueKind}; expected an object".TrimStart());
        }

        foreach (var property in element.EnumerateObject().Where(p => !fields.Contains(p.Name)))
        {
            throw Problem($"{where} has the unknown field '{property.Name}'; allowed: {string.Join(", ", fields)}".TrimStart());
        }
    }

    private static string RequireString(JsonElement element, string field, string where) =>
        element.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Problem($"{(where.Length > 0 ? where + "." : "")}{field} is missing or not a non-empty string");

    private static InvalidOperationException Problem(string what) => new($"{Variable} {what}.");
}
