using System.Globalization;

namespace SchemaCheck.Checking;

/// <summary>Prints a check report for people: one PASS/FAIL line per program, then its findings at YAML places.</summary>
public static class ReportPrinter
{
    public static void Print(CheckReport report, TextWriter output)
    {
        foreach (var program in report.Programs)
        {
            if (program.Passed)
            {
                output.WriteLine($"PASS {program.Name}");
                continue;
            }
            output.WriteLine($"FAIL {program.Name} ({Count(program.Findings.Count, "problem")})");
            foreach (var finding in program.Findings)
            {
                var where = finding.Entity is null ? "" : $" {finding.Entity}";
                if (finding.Path.Length > 0) where += $" at {finding.Path}";
                var message = finding.Message.ReplaceLineEndings("\n      ");
                output.WriteLine($"  {program.Name}:{finding.Mark.Line}:{finding.Mark.Column}{where}: {finding.Code} {message}");
            }
        }

        var failed = report.Programs.Count(p => !p.Passed);
        var verdict = failed == 0 ? $"all {Count(report.Programs.Count, "program")} passed" : $"{failed} of {Count(report.Programs.Count, "program")} failed";
        output.WriteLine($"Schema check: {verdict}{Timing(report)}");
        if (report.GeneratedDirectory is not null) output.WriteLine($"Generated TypeScript kept in {report.GeneratedDirectory}");
    }

    private static string Timing(CheckReport report)
    {
        var timings = report.Timings;
        var parts = new List<string> { string.Create(CultureInfo.InvariantCulture, $"conversion {timings.Conversion.TotalSeconds:F2} s") };
        if (timings.NpmInstall is { } install) parts.Add(string.Create(CultureInfo.InvariantCulture, $"npm ci {install.TotalSeconds:F1} s"));
        if (report.TypeScriptVersion is not null)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"TypeScript {report.TypeScriptVersion}: loading declarations {timings.TypeScriptProgram.TotalSeconds:F1} s, checking {timings.TypeScriptCheck.TotalSeconds:F1} s, node total {timings.NodeProcess.TotalSeconds:F1} s"));
        }
        return $" ({string.Join("; ", parts)})";
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
