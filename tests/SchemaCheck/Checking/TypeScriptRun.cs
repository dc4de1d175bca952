using System.Diagnostics;
using System.Text.Json;
using Infra.Testing.Node;

namespace SchemaCheck.Checking;

/// <summary>What checker/check.js reports for one run over all generated modules.</summary>
public sealed record TypeScriptRunResult(
    string Typescript,
    long ProgramMs,
    long CheckMs,
    IReadOnlyList<string> GlobalDiagnostics,
    IReadOnlyList<TypeScriptFileResult> Files)
{
    public TimeSpan NodeProcess { get; init; }
}

public sealed record TypeScriptFileResult(string File, IReadOnlyList<TypeScriptDiagnostic> Diagnostics, IReadOnlyList<ResolvedToken> Tokens);

/// <summary>A compiler diagnostic; <paramref name="Start"/> is a UTF-16 offset into the generated module.</summary>
public sealed record TypeScriptDiagnostic(int Start, int Length, int Code, string Message, int Line, int Column);

/// <summary>The Pulumi token of the class or function whose reference starts at <paramref name="Start"/>.</summary>
public sealed record ResolvedToken(int Start, string Token);

/// <summary>Runs the node checker once over a set of generated TypeScript files.</summary>
public static class TypeScriptRun
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static TypeScriptRunResult Check(NodeProject project, IReadOnlyList<string> files, string workDirectory)
    {
        var resultFile = Path.Combine(workDirectory, "result.json");
        var watch = Stopwatch.StartNew();
        var run = ProcessRunner.Run("node", [project.CheckerScript, "--json", resultFile, .. files], project.Directory);
        var elapsed = watch.Elapsed;
        // 0: all clean, 1: diagnostics found (both write the result file); anything else is a failure to run.
        if (run.ExitCode is not (0 or 1) || !File.Exists(resultFile))
            throw new InvalidOperationException($"the TypeScript checker failed to run (exit code {run.ExitCode}):\n{run.StandardError}");
        var result = JsonSerializer.Deserialize<TypeScriptRunResult>(File.ReadAllText(resultFile), Json)
            ?? throw new InvalidOperationException($"empty checker result in {resultFile}");
        return result with { NodeProcess = elapsed };
    }
}
