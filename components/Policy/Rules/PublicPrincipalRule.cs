using Infra.Aws.Iam;
using Infra.Core;

namespace Infra.Policy.Rules;

/// <summary>
/// Resource policies (buckets, queues, topics) and Lambda permissions must not let everyone in
/// without a source condition. Deny statements with <c>*</c> are fine: they restrict.
/// </summary>
public sealed class PublicPrincipalRule : PolicyRule
{
    // The conditions that pin a service principal or "*" to our own resources or account.
    private static readonly string[] SourceConditions = ["aws:SourceArn", "aws:SourceAccount"];

    private static readonly (string TypeToken, string PolicyInput)[] ResourcePolicies =
    [
        (Aws.S3.BucketPolicy.PulumiType, "policy"),
        (Aws.Sqs.QueuePolicy.PulumiType, "policy"),
        (Aws.Sns.TopicPolicy.PulumiType, "policy"),
    ];

    public override string Id => "PUBLIC-PRINCIPAL";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "a * principal without a source condition lets any AWS account (or anyone on the internet) read, write or invoke the resource";

    public override string Fix => "name the principal (a service or role), and pin it with aws:SourceArn or aws:SourceAccount (a Lambda permission's sourceArn or sourceAccount)";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var (typeToken, input) in ResourcePolicies)
        {
            foreach (var policy in graph.OfType(typeToken))
            {
                var open = (PolicyDocument.Read(graph.Input(policy, input)) ?? []).Where(IsOpen).ToList();
                if (open.Count > 0)
                {
                    yield return Finding(policy, $"{open.Count} statement(s) allow the * principal without an aws:SourceArn or aws:SourceAccount condition");
                }
            }
        }

        foreach (var permission in graph.OfType(Aws.Lambda.Permission.PulumiType))
        {
            if (graph.Input(permission, "principal").Literal() == "*"
                && !graph.Input(permission, "sourceArn").IsSet()
                && !graph.Input(permission, "sourceAccount").IsSet())
            {
                yield return Finding(permission, "the permission lets principal * invoke the function without a sourceArn or sourceAccount");
            }
        }
    }

    private static bool IsOpen(PolicyStatement statement) =>
        statement.IsAllow && statement.Principals.Any(p => p.IsEveryone) && !statement.HasCondition(SourceConditions);
}
