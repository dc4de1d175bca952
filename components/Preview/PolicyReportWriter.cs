using Infra.Policy;

namespace Infra.Preview;

/// <summary>Prints a policy report for preview: every finding with why and how to fix it, then the suppressions and their reasons.</summary>
public static class PolicyReportWriter
{
    public static void Write(PolicyReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        var errors = report.Errors.ToList();
        var warnings = report.Warnings.ToList();
        writer.WriteLine($"Policy: {errors.Count} error(s), {warnings.Count} warning(s), {report.Suppressions.Count} suppressed");
        foreach (var finding in errors.Concat(warnings))
        {
            writer.WriteLine($"  {(finding.Severity == PolicySeverity.Error ? "error" : "warning")}: {finding.Describe()}");
        }

        foreach (var suppression in report.Suppressions)
        {
            writer.WriteLine($"  suppressed: {suppression.RuleId} on '{suppression.ResourceName}': {suppression.Reason}");
        }
    }
}
