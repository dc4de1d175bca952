using Infra.Core;
using Infra.Policy.Rules;

namespace Infra.Policy;

/// <summary>
/// A set of rules run over a stack's resource graph, like Pulumi CrossGuard or cdk-nag.
/// <see cref="Default"/> is what every <c>synth</c> runs.
/// </summary>
public sealed class PolicyPack
{
    public PolicyPack(IEnumerable<PolicyRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = [.. rules];
        var duplicate = Rules.GroupBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"policy rule id '{duplicate.Key}' is used by more than one rule", nameof(rules));
        }
    }

    /// <summary>The built-in rules; docs/reliability.md lists them with their reasons.</summary>
    public static PolicyPack Default { get; } = new(
    [
        new S3EncryptionRule(),
        new S3PublicAccessRule(),
        new S3TlsOnlyRule(),
        new S3EncryptionDenyRule(),
        new PublicPrincipalRule(),
        new KmsRotationRule(),
        new LogRetentionRule(),
        new LogEncryptionRule(),
        new SqsEncryptionRule(),
        new SqsDeadLetterRule(),
        new DynamoDbRecoveryRule(),
        new DynamoDbKmsRule(),
        new ApiWafRule(),
        new ApiAuthRule(),
        new IamWildcardActionRule(),
        new IamWildcardResourceRule(),
        new LambdaErrorAlarmRule(),
        new LambdaAsyncFailureRule(),
        new SecretOutputRule(),
    ]);

    public IReadOnlyList<PolicyRule> Rules { get; }

    /// <summary>
    /// Runs every rule. Findings that a suppression covers are left out and the suppression is
    /// listed instead; a suppression that covers no finding is reported as a warning, so stale
    /// ones get removed. A suppression of a rule this pack does not have, or of a resource that is
    /// not in the stack, is an error (a <see cref="SynthesisException"/>), so a typo never hides a finding.
    /// </summary>
    public PolicyReport Evaluate(Stack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        CheckSuppressions(stack);
        var graph = new ResourceGraph(stack);
        var all = Rules.SelectMany(rule => rule.Evaluate(graph)).ToList();
        var suppressions = stack.PolicySuppressions.Select(s => s.Suppression).ToList();
        var findings = all
            .Where(f => !suppressions.Any(s => Covers(s, f)))
            .Concat(suppressions.Where(s => !all.Any(f => Covers(s, f))).Select(Unused))
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ThenBy(f => f.ResourceName, StringComparer.Ordinal)
            .ToList();
        return new PolicyReport(findings, suppressions);
    }

    private static bool Covers(PolicySuppression suppression, PolicyFinding finding) =>
        suppression.RuleId == finding.RuleId && suppression.ResourceName == finding.ResourceName;

    private PolicyFinding Unused(PolicySuppression suppression)
    {
        var rule = Rules.Single(r => r.Id == suppression.RuleId);
        return new PolicyFinding(suppression.RuleId, PolicySeverity.Warning, suppression.ResourceName,
            "the rule is suppressed here but finds nothing on this resource",
            "a stale suppression would silently hide the rule if the resource changes back",
            $"remove the stack.SuppressPolicy(..., \"{rule.Id}\", ...) call for this resource");
    }

    private void CheckSuppressions(Stack stack)
    {
        var problems = new List<string>();
        foreach (var (resource, suppression) in stack.PolicySuppressions)
        {
            if (!Rules.Any(r => r.Id == suppression.RuleId))
            {
                problems.Add($"stack: the suppression on '{suppression.ResourceName}' names policy rule '{suppression.RuleId}', which does not exist: "
                    + $"the rules are {string.Join(", ", Rules.Select(r => r.Id))}");
            }

            if (!stack.Contains(resource))
            {
                problems.Add($"stack: policy rule '{suppression.RuleId}' is suppressed on '{suppression.ResourceName}', which is not a resource of this stack");
            }
        }

        if (problems.Count > 0)
        {
            throw new SynthesisException(problems);
        }
    }
}
