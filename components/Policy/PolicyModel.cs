using Infra.Core;

namespace Infra.Policy;

/// <summary>How a finding is treated: an error stops synthesis, a warning is printed.</summary>
public enum PolicySeverity
{
    Warning,
    Error,
}

/// <summary>One rule violated by one resource (or stack output), with why it matters and how to fix it.</summary>
public sealed record PolicyFinding(string RuleId, PolicySeverity Severity, string ResourceName, string Message, string Why, string Fix)
{
    /// <summary>The finding as one paragraph: rule, resource, problem, why and fix, for a terminal.</summary>
    public string Describe() =>
        $"{RuleId} on '{ResourceName}': {Message}{Environment.NewLine}    why: {Why}{Environment.NewLine}    fix: {Fix}";
}

/// <summary>What a policy pack found in a stack, and what was suppressed.</summary>
public sealed record PolicyReport(IReadOnlyList<PolicyFinding> Findings, IReadOnlyList<PolicySuppression> Suppressions)
{
    public IEnumerable<PolicyFinding> Errors => Findings.Where(f => f.Severity == PolicySeverity.Error);

    public IEnumerable<PolicyFinding> Warnings => Findings.Where(f => f.Severity == PolicySeverity.Warning);

    public bool HasErrors => Errors.Any();
}
