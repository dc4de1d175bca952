using Infra.Aws.Iam;
using Infra.Core;

namespace Infra.Policy.Rules;

/// <summary>The identity policies of the stack's roles: inline role policies and role policy resources.</summary>
internal static class IdentityPolicies
{
    public static IEnumerable<(Resource Owner, PolicyStatement Statement)> AllowStatements(ResourceGraph graph)
    {
        var documents = graph.OfType(Aws.Iam.RolePolicy.PulumiType).Select(p => (Owner: p, Document: graph.Input(p, "policy")))
            .Concat(graph.OfType(Aws.Iam.Role.PulumiType).SelectMany(r => graph.Input(r, "inlinePolicies").Items().Select(i => (Owner: r, Document: i.At("policy")))));
        foreach (var (owner, document) in documents)
        {
            foreach (var statement in PolicyDocument.Read(document) ?? [])
            {
                if (statement.IsAllow)
                {
                    yield return (owner, statement);
                }
            }
        }
    }
}

public sealed class IamWildcardActionRule : PolicyRule
{
    public override string Id => "IAM-WILDCARD-ACTION";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "a wildcard action grants every current and future action of the service, including deletes and permission changes, to whoever runs as the role";

    public override string Fix => "list the actions the code calls, e.g. [\"s3:GetObject\", \"s3:GetObjectVersion\"]";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var group in IdentityPolicies.AllowStatements(graph).GroupBy(s => s.Owner))
        {
            var wildcards = group.SelectMany(s => s.Statement.NotAction ? ["NotAction"] : s.Statement.ActionNames.Where(IsWildcard)).Distinct().ToList();
            if (wildcards.Count > 0)
            {
                yield return Finding(group.Key, $"the policy allows wildcard actions: {string.Join(", ", wildcards)}");
            }
        }
    }

    private static bool IsWildcard(string action) => action == "*" || action.EndsWith(":*", StringComparison.Ordinal);
}

public sealed class IamWildcardResourceRule : PolicyRule
{
    /// <summary>
    /// Actions for which AWS offers no narrower resource than "*" (the service authorization
    /// reference lists no resource type for them), so "*" is the only way to grant them.
    /// </summary>
    public static readonly IReadOnlySet<string> ActionsWithoutResources = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        // X-Ray: the SDK's trace segments and sampling calls.
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",

        // The network interfaces Lambda manages for a function in a VPC; their ids are not known
        // before Lambda creates them (AWS's own AWSLambdaVPCAccessExecutionRole grants them on "*").
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",

        // Custom metrics: scoped by a cloudwatch:namespace condition, not by resource.
        "cloudwatch:PutMetricData",

        // The registry login token is account-wide.
        "ecr:GetAuthorizationToken",
    };

    public override string Id => "IAM-WILDCARD-RESOURCE";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "resource * lets the role act on every bucket, table, key or queue of the account, not just the stack's own";

    public override string Fix => "grant the action on the resource's ARN (e.g. Output.Format($\"{bucket.Arn}/models/*\")), or split the allow-listed actions into their own statement";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var group in IdentityPolicies.AllowStatements(graph).GroupBy(s => s.Owner))
        {
            var broad = group
                .Where(s => s.Statement.Resources.Any(r => r.Literal() == "*"))
                .SelectMany(s => s.Statement.NotAction ? ["NotAction"] : s.Statement.ActionNames.Where(a => !ActionsWithoutResources.Contains(a)))
                .Distinct()
                .ToList();
            if (broad.Count > 0)
            {
                yield return Finding(group.Key, $"the policy grants {string.Join(", ", broad)} on resource *");
            }
        }
    }
}
