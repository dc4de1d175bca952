using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AwsSemantics.Tests.Catalog;

/// <summary>
/// Checks every policy statement of a program against the IAM catalog: each action (wildcards included) names at
/// least one real action, each condition key exists (globally or for a service of the statement's actions), and
/// each action can apply to one of the statement's resources and each resource is an ARN that one of the actions
/// can apply to (an action without resource types only through <c>"Resource": "*"</c>). IAM accepts a policy
/// that grants an unknown action or a wrong ARN without complaint; the grant just never matches.
/// </summary>
public static partial class PolicyCatalogCheck
{
    /// <param name="resolve">The concrete value of a program string (interpolations resolved), or null where it cannot be known before deployment.</param>
    public static IReadOnlyList<CatalogFinding> Check(JsonObject program, Func<string, string?> resolve) =>
        [.. ProgramPolicies.Statements(program).SelectMany(s => Check(s, resolve))];

    public static IEnumerable<CatalogFinding> Check(FoundStatement statement, Func<string, string?> resolve)
    {
        var catalog = IamCatalog.Instance;
        var matched = new List<(string Pattern, IReadOnlyList<IamAction> Actions)>();
        foreach (var pattern in statement.Actions)
        {
            if (pattern == "*")
            {
                continue;
            }

            var actions = catalog.Actions(pattern);
            var service = pattern.Split(':')[0];
            if (actions.Count == 0)
            {
                yield return new CatalogFinding(statement.Where, catalog.ServiceExists(service)
                    ? $"action '{pattern}' matches no action of service '{service}'"
                    : $"action '{pattern}': there is no IAM service '{service}'");
                continue;
            }

            matched.Add((pattern, actions));
        }

        var services = statement.Actions.Select(a => a.Split(':')[0].ToLowerInvariant()).ToHashSet();
        foreach (var key in statement.ConditionKeys)
        {
            if (!catalog.ConditionKeyExists(key))
            {
                yield return new CatalogFinding(statement.Where, $"condition key '{key}' does not exist");
            }
            else if (!IsGlobal(key) && !statement.NotAction && !statement.Actions.Contains("*") && !services.Contains(key.Split(':')[0].ToLowerInvariant()))
            {
                yield return new CatalogFinding(statement.Where, $"condition key '{key}' belongs to no service of the statement's actions ({string.Join(", ", services)})");
            }
        }

        if (!statement.HasResource || statement.NotAction || matched.Count == 0 || matched.Count != statement.Actions.Count)
        {
            yield break; // trust policies name no resource; unknown actions were reported above
        }

        var resources = new List<string>();
        foreach (var text in statement.Resources)
        {
            var value = resolve(text);
            if (value is null)
            {
                yield return new CatalogFinding(statement.Where, $"resource '{text}' cannot be resolved to a concrete ARN");
                continue;
            }

            resources.Add(value);
        }

        if (resources.Contains("*"))
        {
            yield break;
        }

        foreach (var (pattern, actions) in matched)
        {
            if (!actions.Any(a => resources.Any(r => Applies(catalog, a, r))))
            {
                var types = actions.SelectMany(a => a.ResourceTypes).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                yield return new CatalogFinding(statement.Where, types.Count == 0
                    ? $"action '{pattern}' has no resource types, so only \"Resource\": \"*\" grants it, not {string.Join(", ", resources)}"
                    : $"action '{pattern}' applies to resource types {string.Join(", ", types)}, and none of {string.Join(", ", resources)} is an ARN of them");
            }
        }

        foreach (var resource in resources.Where(r => !matched.Any(m => m.Actions.Any(a => Applies(catalog, a, r)))))
        {
            yield return new CatalogFinding(statement.Where, $"resource '{resource}' is an ARN of no resource type of the statement's actions ({string.Join(", ", matched.Select(m => m.Pattern))})");
        }
    }

    private static bool Applies(IamCatalog catalog, IamAction action, string arn) =>
        action.ResourceTypes.Any(type => catalog.ArnFormats(action.Service, type).Any(format => ArnFormat.CanMatch(arn, format)));

    private static bool IsGlobal(string key) => key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Every Step Functions AWS SDK integration (<c>arn:*:states:::aws-sdk:service:action</c>) in a program, checked against the SDK models.</summary>
    public static IReadOnlyList<CatalogFinding> CheckSdkIntegrations(JsonObject program)
    {
        var findings = new List<CatalogFinding>();
        foreach (var (where, text) in Strings(program, ""))
        {
            foreach (Match match in SdkIntegration().Matches(text))
            {
                var service = match.Groups["service"].Value;
                var action = match.Groups["action"].Value;
                if (!SdkCatalog.Instance.ServiceExists(service))
                {
                    findings.Add(new CatalogFinding(where, $"'{match.Value}': there is no AWS SDK service '{service}'"));
                }
                else if (!SdkCatalog.Instance.ApiExists(service, action))
                {
                    findings.Add(new CatalogFinding(where, $"'{match.Value}': service '{service}' has no API action '{action}' (camelCase of an operation)"));
                }
            }
        }

        return findings;
    }

    private static IEnumerable<(string Where, string Text)> Strings(JsonNode? node, string where) => node switch
    {
        JsonObject map => map.SelectMany(e => Strings(e.Value, where.Length == 0 ? e.Key : $"{where}.{e.Key}")),
        JsonArray list => list.SelectMany((v, i) => Strings(v, $"{where}[{i}]")),
        JsonValue value when value.TryGetValue<string>(out var text) => [(where, text)],
        _ => [],
    };

    // The partition may still be an interpolation; an optional .sync / .waitForTaskToken pattern follows the action.
    [GeneratedRegex(@"arn:[^:""]+:states:::aws-sdk:(?<service>[^:""\s.]*):?(?<action>[A-Za-z0-9]*)")]
    private static partial Regex SdkIntegration();
}
