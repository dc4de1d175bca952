using System.Text.Json.Nodes;
using Infra.Testing.Programs;

namespace Infra.Testing.Access.Evaluation;

/// <summary>
/// <c>aws:iam:getPolicyDocument</c>: statements in the provider's shape (<c>actions</c>, <c>principals</c>,
/// <c>conditions</c> with <c>test</c>/<c>variable</c>/<c>values</c>) rendered as the IAM JSON it returns in <c>json</c>.
/// </summary>
public static class PolicyDocumentInvoke
{
    private static readonly HashSet<string> KnownArguments = ["statements", "version", "policyId"];

    private static readonly (string Argument, string Element)[] Lists =
        [("actions", "Action"), ("notActions", "NotAction"), ("resources", "Resource"), ("notResources", "NotResource")];

    public static JsonObject Evaluate(JsonObject arguments, SourceMark mark)
    {
        foreach (var (name, _) in arguments)
        {
            if (!KnownArguments.Contains(name))
            {
                throw new EvaluationException($"aws:iam:getPolicyDocument argument '{name}' is not modelled", mark);
            }
        }

        var document = new JsonObject { ["Version"] = arguments["version"]?.DeepClone() ?? "2012-10-17" };
        if (arguments["policyId"] is { } id)
        {
            document["Id"] = id.DeepClone();
        }

        document["Statement"] = new JsonArray([.. (arguments["statements"] as JsonArray ?? []).Select(s => (JsonNode)Statement((JsonObject)s!, mark))]);
        var json = document.ToJsonString();
        return new JsonObject { ["json"] = json, ["minifiedJson"] = json, ["id"] = json.GetHashCode(StringComparison.Ordinal).ToString("x8", System.Globalization.CultureInfo.InvariantCulture) };
    }

    private static JsonObject Statement(JsonObject statement, SourceMark mark)
    {
        var result = new JsonObject { ["Effect"] = statement["effect"]?.DeepClone() ?? "Allow" };
        foreach (var (name, value) in statement)
        {
            switch (name)
            {
                case "sid":
                    result["Sid"] = value?.DeepClone();
                    break;
                case "effect":
                    break;
                case "principals" or "notPrincipals":
                    var principals = new JsonObject();
                    foreach (var principal in value as JsonArray ?? [])
                    {
                        principals[(string)principal!["type"]!] = principal["identifiers"]?.DeepClone();
                    }

                    result[name == "principals" ? "Principal" : "NotPrincipal"] = principals;
                    break;
                case "conditions":
                    var conditions = new JsonObject();
                    foreach (var condition in value as JsonArray ?? [])
                    {
                        var test = (string)condition!["test"]!;
                        if (conditions[test] is not JsonObject keys)
                        {
                            conditions[test] = keys = new JsonObject();
                        }

                        keys[(string)condition["variable"]!] = condition["values"]?.DeepClone();
                    }

                    result["Condition"] = conditions;
                    break;
                default:
                    var element = Lists.FirstOrDefault(l => l.Argument == name).Element
                        ?? throw new EvaluationException($"aws:iam:getPolicyDocument statement key '{name}' is not modelled", mark);
                    result[element] = value?.DeepClone();
                    break;
            }
        }

        return result;
    }
}
