using Infra.Policy;

namespace Infra.Testing;

/// <summary>
/// What a policy pack finds in the stack under test: the same evaluation <c>synth</c> and <c>preview</c> run
/// (suppressions applied, a stale suppression reported as a warning).
/// </summary>
public sealed class PolicyAssertion
{
    private readonly PolicyPack _pack;

    internal PolicyAssertion(PolicyReport report, PolicyPack pack)
    {
        Report = report;
        _pack = pack;
    }

    /// <summary>The findings and the suppressions.</summary>
    public PolicyReport Report { get; }

    /// <summary>Asserts that no rule fires, warnings included; the failure lists every finding with why and how to fix it.</summary>
    public PolicyAssertion HaveNoFindings() =>
        Report.Findings.Count == 0 ? this : throw Fail("no policy findings", Report.Findings);

    /// <summary>Asserts that no rule of error severity fires (what <c>synth</c> requires); warnings are allowed.</summary>
    public PolicyAssertion HaveNoErrors()
    {
        var errors = Report.Errors.ToList();
        return errors.Count == 0 ? this : throw Fail("no policy errors", errors);
    }

    /// <summary>
    /// Asserts that the rule fires, on the given resource (its logical name) when one is given, and returns the finding.
    /// A rule id the pack does not have fails naming the pack's rules.
    /// </summary>
    public PolicyFinding HaveFinding(string ruleId, string? resource = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ruleId);
        if (_pack.Rules.All(r => r.Id != ruleId))
        {
            throw new StackAssertionException($"policy rule '{ruleId}': expected a rule of the pack, found none of that id (rules: {string.Join(", ", _pack.Rules.Select(r => r.Id))})");
        }

        var finding = Report.Findings.FirstOrDefault(f => f.RuleId == ruleId && (resource is null || f.ResourceName == resource));
        if (finding is not null)
        {
            return finding;
        }

        var ofRule = Report.Findings.Where(f => f.RuleId == ruleId).Select(f => $"'{f.ResourceName}'").ToList();
        var suppressed = Report.Suppressions.Where(s => s.RuleId == ruleId && (resource is null || s.ResourceName == resource)).ToList();
        var found = suppressed.Count > 0
            ? $"none: it is suppressed on {string.Join(", ", suppressed.Select(s => $"'{s.ResourceName}' ({s.Reason})"))}"
            : ofRule.Count > 0
                ? $"it fires on {string.Join(", ", ofRule)} only"
                : Report.Findings.Count == 0 ? "no findings at all" : "none (findings: " + string.Join(", ", Report.Findings.Select(f => $"{f.RuleId} on '{f.ResourceName}'")) + ")";
        throw new StackAssertionException($"policy rule {ruleId}: expected a finding{(resource is null ? "" : $" on '{resource}'")}, found {found}");
    }

    private static StackAssertionException Fail(string expected, IEnumerable<PolicyFinding> findings)
    {
        var list = findings.ToList();
        return new StackAssertionException($"policy: expected {expected}, found {list.Count}:" +
            string.Concat(list.Select(f => $"\n  - {f.Severity.ToString().ToLowerInvariant()} {f.Describe().Replace(Environment.NewLine, "\n  ", StringComparison.Ordinal)}")));
    }
}
