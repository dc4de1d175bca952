using System.Text.Json;
using System.Text.Json.Nodes;
using AwsSemantics.Tests.Catalog;

namespace AwsSemantics.Tests.StepFunctions;

/// <summary>
/// Validates state machine definitions with npm <c>asl-validator</c> 4.0.0 (every check on). It knows JSONata
/// (<c>QueryLanguage</c>, <c>Arguments</c>, <c>Output</c>, <c>Assign</c>, <c>Condition</c>) and parses each
/// <c>{% ... %}</c> expression with the jsonata library; it does not evaluate expressions or know the variables'
/// scope, checks only the shape of a Task's <c>Resource</c> ARN (not that an aws-sdk service or action exists: see
/// <see cref="PolicyCatalogCheck.CheckSdkIntegrations"/>), and rejects an empty string in a JSONata template
/// (which AWS accepts).
/// </summary>
public static class AslCheck
{
    /// <summary>Each state machine resource of the program (by type token) with its definition made concrete by <paramref name="resolve"/>.</summary>
    public static IReadOnlyDictionary<string, JsonNode> Definitions(JsonObject program, Func<string, string?> resolve)
    {
        var definitions = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var (name, resource) in program["resources"] as JsonObject ?? [])
        {
            if (resource?["type"]?.GetValue<string>() != "aws:sfn/stateMachine:StateMachine") continue;
            var definition = resource["properties"]?["definition"];
            var document = definition is JsonObject { Count: 1 } map && map["fn::toJSON"] is { } inner
                ? inner.DeepClone()
                : JsonNode.Parse(resolve(definition!.GetValue<string>()) ?? throw new InvalidOperationException($"{name}: the definition cannot be resolved"));
            definitions[name] = Resolve(document!, resolve, name);
        }

        return definitions;
    }

    /// <summary>asl-validator's errors per definition; an empty list for a valid one.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Validate(IReadOnlyDictionary<string, JsonNode> definitions)
    {
        var input = new JsonObject();
        foreach (var (name, definition) in definitions) input[name] = definition.DeepClone();
        var output = JsonNode.Parse(CatalogNode.RunScript("validate-asl.js", input.ToJsonString()))!.AsObject();
        return output.ToDictionary(
            e => e.Key,
            e => (IReadOnlyList<string>)[.. e.Value!["errors"]!.AsArray().Select(x => x!.GetValue<string>())],
            StringComparer.Ordinal);
    }

    private static JsonNode Resolve(JsonNode node, Func<string, string?> resolve, string owner) => node switch
    {
        JsonObject map => new JsonObject(map.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)Resolve(e.Value!, resolve, owner)))),
        JsonArray list => new JsonArray([.. list.Select(v => (JsonNode?)Resolve(v!, resolve, owner))]),
        JsonValue value when value.GetValueKind() == JsonValueKind.String =>
            JsonValue.Create(resolve(value.GetValue<string>()) ?? throw new InvalidOperationException($"{owner}: '{value.GetValue<string>()}' cannot be resolved"))!,
        _ => node.DeepClone(),
    };
}
