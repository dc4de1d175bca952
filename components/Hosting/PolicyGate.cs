using Infra.Policy;

namespace Infra.Hosting;

/// <summary>
/// Applies a policy report to a synthesis: warnings are printed and synthesis goes on; any
/// error finding is printed with why and how to fix it, and no program is emitted.
/// </summary>
public static class PolicyGate
{
    public static bool Passes(PolicyReport report, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(error);
        foreach (var warning in report.Warnings)
        {
            error.WriteLine($"warning: policy {warning.Describe()}");
        }

        var errors = report.Errors.ToList();
        if (errors.Count == 0)
        {
            return true;
        }

        error.WriteLine($"error: the stack violates {errors.Count} policy rule(s), no program was emitted:");
        foreach (var finding in errors)
        {
            error.WriteLine($"  - {finding.Describe()}");
        }

        error.WriteLine("  (where a rule truly does not apply, suppress it with stack.SuppressPolicy(resource, \"RULE-ID\", \"reason\"))");
        return false;
    }
}
