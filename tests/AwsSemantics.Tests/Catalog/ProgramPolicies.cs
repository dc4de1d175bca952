using System.Text.Json;
using System.Text.Json.Nodes;

namespace AwsSemantics.Tests.Catalog;

/// <summary>One statement of a policy found in a program, with the strings as the program writes them (interpolations unresolved).</summary>
public sealed record FoundStatement(
    string Where,
    IReadOnlyList<string> Actions,
    bool NotAction,
    IReadOnlyList<string> Resources,
    bool HasResource,
    IReadOnlyList<string> ConditionKeys);

/// <summary>
/// Every IAM policy statement in a synthesized program (its JSON form), wherever it is: any property or variable
/// holding <c>fn::toJSON</c> of a policy document, a policy document as a JSON string, or an
/// <c>aws:iam:getPolicyDocument</c> invoke. Found by shape, not by a list of resource types or property names.
/// </summary>
public static class ProgramPolicies
{
    public static IReadOnlyList<FoundStatement> Statements(JsonObject program)
    {
        var found = new List<FoundStatement>();
        foreach (var section in new[] { "resources", "variables" })
        {
            if (program[section] is not JsonObject entries) continue;
            foreach (var (name, value) in entries)
            {
                Walk(value, name, found);
            }
        }

        return found;
    }

    private static void Walk(JsonNode? node, string where, List<FoundStatement> found)
    {
        switch (node)
        {
            case JsonObject map when map["fn::toJSON"] is JsonObject document && document["Statement"] is not null:
                FromDocument(document, where, found);
                return;
            case JsonObject map when map["fn::invoke"] is JsonObject invoke && IsGetPolicyDocument(invoke["function"]?.GetValue<string>()):
                FromInvoke(invoke["arguments"]?["statements"] as JsonArray ?? [], where, found);
                return;
            case JsonObject map:
                foreach (var (key, value) in map) Walk(value, $"{where}.{key}", found);
                return;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++) Walk(list[i], $"{where}[{i}]", found);
                return;
            case JsonValue value when value.TryGetValue<string>(out var text) && text.TrimStart().StartsWith('{') && text.Contains("\"Statement\"", StringComparison.Ordinal):
                if (JsonNode.Parse(text) is JsonObject parsed) FromDocument(parsed, where, found);
                return;
        }
    }

    private static bool IsGetPolicyDocument(string? function) =>
        function is "aws:iam:getPolicyDocument" or "aws:iam/getPolicyDocument:getPolicyDocument";

    private static void FromDocument(JsonObject document, string where, List<FoundStatement> found)
    {
        var statements = document["Statement"] is JsonArray list ? list.ToList() : [document["Statement"]];
        for (var i = 0; i < statements.Count; i++)
        {
            if (statements[i] is not JsonObject statement) continue;
            var label = $"{where} statement {statement["Sid"]?.GetValue<string>() ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            var conditionKeys = statement["Condition"] is JsonObject operators
                ? operators.SelectMany(o => o.Value is JsonObject keys ? keys.Select(k => k.Key) : []).ToList()
                : [];
            found.Add(new FoundStatement(
                label,
                Strings(statement["Action"] ?? statement["NotAction"]),
                statement["NotAction"] is not null,
                Strings(statement["Resource"] ?? statement["NotResource"]),
                statement["Resource"] is not null || statement["NotResource"] is not null,
                conditionKeys));
        }
    }

    private static void FromInvoke(JsonArray statements, string where, List<FoundStatement> found)
    {
        for (var i = 0; i < statements.Count; i++)
        {
            if (statements[i] is not JsonObject statement) continue;
            var label = $"{where} statement {statement["sid"]?.GetValue<string>() ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            found.Add(new FoundStatement(
                label,
                Strings(statement["actions"] ?? statement["notActions"]),
                statement["notActions"] is not null,
                Strings(statement["resources"] ?? statement["notResources"]),
                statement["resources"] is not null || statement["notResources"] is not null,
                [.. (statement["conditions"] as JsonArray ?? []).Select(c => c?["variable"]?.GetValue<string>()).OfType<string>()]));
        }
    }

    private static List<string> Strings(JsonNode? node) => node switch
    {
        null => [],
        JsonArray list => [.. list.Select(v => v is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : v?.ToJsonString() ?? "")],
        JsonValue s when s.GetValueKind() == JsonValueKind.String => [s.GetValue<string>()],
        _ => [node.ToJsonString()],
    };
}
