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
    /// listed instead. A suppression of a rule this pack does not have, or of a resource that is
    /// not in the stack, is an error (a <see cref="SynthesisException"/>), so a typo never hides a finding.
    /// </summary>
    public PolicyReport Evaluate(Stack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        CheckSuppressions(stack);
        var graph = new ResourceGraph(stack);
        var suppressed = stack.PolicySuppressions.Select(s => (s.Suppression.RuleId, s.Suppression.ResourceName)).ToHashSet();
        var findings = Rules
            .SelectMany(rule => rule.Evaluate(graph))
            .Where(f => !suppressed.Contains((f.RuleId, f.ResourceName)))
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ThenBy(f => f.ResourceName, StringComparer.Ordinal)
            .ToList();
        return new PolicyReport(findings, [.. stack.PolicySuppressions.Select(s => s.Suppression)]);
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
