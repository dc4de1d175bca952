using SchemaCheck.TypeScript;

namespace SchemaCheck.Checking;

/// <summary>Turns what TypeScript found in a generated module into findings at the YAML places they came from.</summary>
public static class FindingMapper
{
    public static IReadOnlyList<Finding> Map(GeneratedModule module, TypeScriptFileResult result)
    {
        var findings = new List<Finding>();
        foreach (var diagnostic in result.Diagnostics)
        {
            var code = $"TS{diagnostic.Code}";
            // A class or function reference that resolved to no Pulumi token: the YAML type token names nothing.
            var check = module.TokenChecks.FirstOrDefault(c => c.Start <= diagnostic.Start && diagnostic.Start < c.End
                && !result.Tokens.Any(t => t.Start == c.Start));
            if (check is not null)
            {
                findings.Add(At(check.Location, code, $"unknown {What(check)} '{check.YamlToken}': {check.Target.TypeScriptPath} does not exist in the pinned SDK ({diagnostic.Message})"));
                continue;
            }
            var location = module.Locate(diagnostic.Start)
                ?? throw new InvalidOperationException($"diagnostic outside any mapped YAML place (line {diagnostic.Line} of the generated module): {diagnostic.Message}");
            findings.Add(At(location, code, diagnostic.Message));
        }

        foreach (var check in module.TokenChecks)
        {
            var resolved = result.Tokens.FirstOrDefault(t => t.Start == check.Start);
            if (resolved is null)
            {
                if (!findings.Any(f => f.Code.StartsWith("TS", StringComparison.Ordinal) && f.Mark == check.Location.Mark))
                    findings.Add(At(check.Location, "TOKEN", $"{check.Target.TypeScriptPath} is not a Pulumi {What(check)}, so '{check.YamlToken}' cannot be checked"));
            }
            else if (!check.Target.Accepts(resolved.Token))
            {
                findings.Add(At(check.Location, "TOKEN", $"{What(check)} token '{check.YamlToken}' does not resolve: {check.Target.TypeScriptPath} is '{resolved.Token}'"));
            }
        }
        return findings.OrderBy(f => f.Mark.Line).ThenBy(f => f.Mark.Column).ToList();
    }

    private static string What(TokenCheck check) => check.IsFunction ? "function" : "resource type";

    private static Finding At(SourceLocation location, string code, string message) =>
        new(location.Mark, location.Entity, location.Path, code, message);
}
