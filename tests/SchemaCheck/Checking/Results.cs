using SchemaCheck.TypeScript;
using Infra.Testing.Programs;

namespace SchemaCheck.Checking;

/// <summary>One problem in a program, at its YAML place.</summary>
/// <param name="Code">TSnnnn for a TypeScript diagnostic, YAML for a program that cannot be converted, TOKEN for a type token that names another class.</param>
public sealed record Finding(SourceMark Mark, ProgramEntity? Entity, string Path, string Code, string Message);

public sealed record ProgramResult(string Name, IReadOnlyList<Finding> Findings)
{
    public bool Passed => Findings.Count == 0;
}

public sealed record CheckTimings(
    TimeSpan Conversion,
    TimeSpan? NpmInstall,
    TimeSpan NodeProcess,
    TimeSpan TypeScriptProgram,
    TimeSpan TypeScriptCheck);

public sealed record CheckReport(IReadOnlyList<ProgramResult> Programs, CheckTimings Timings, string? TypeScriptVersion, string? GeneratedDirectory)
{
    public bool Passed => Programs.All(p => p.Passed);
}

/// <summary>A program to check: a display name (usually its path) and its YAML or JSON text.</summary>
public sealed record ProgramSource(string Name, string Text);
