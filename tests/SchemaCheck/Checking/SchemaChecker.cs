using System.Diagnostics;
using System.Text.RegularExpressions;
using SchemaCheck.TypeScript;
using Infra.Testing.Programs;

namespace SchemaCheck.Checking;

public sealed record SchemaCheckOptions
{
    /// <summary>The SchemaCheck source folder (package.json, checker/); defaults to the one this build came from.</summary>
    public string? NodeProjectDirectory { get; init; }

    /// <summary>Keep the generated TypeScript for inspection instead of deleting it.</summary>
    public bool KeepGeneratedFiles { get; init; }

    /// <summary>Where npm's output goes; standard error by default.</summary>
    public TextWriter? Log { get; init; }
}

/// <summary>
/// Checks synthesized Pulumi YAML programs against the provider's published TypeScript types: converts each to
/// a module and compiles them all in one TypeScript program.
/// </summary>
public sealed partial class SchemaChecker(SchemaCheckOptions? options = null)
{
    private readonly SchemaCheckOptions options = options ?? new SchemaCheckOptions();

    public CheckReport CheckFiles(IEnumerable<string> paths) =>
        Check(paths.Select(path => new ProgramSource(path, ReadProgram(path))).ToList());

    public CheckReport Check(IReadOnlyList<ProgramSource> programs)
    {
        var watch = Stopwatch.StartNew();
        var converted = programs.Select(Convert).ToList();
        var conversion = watch.Elapsed;

        var modules = converted.Where(c => c.Module is not null).ToList();
        if (modules.Count == 0)
        {
            return new CheckReport(converted.Select(c => new ProgramResult(c.Source.Name, c.Findings)).ToList(),
                new CheckTimings(conversion, null, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero), null, null);
        }

        var project = new NodeProject(options.NodeProjectDirectory);
        var install = project.EnsureInstalled(options.Log ?? Console.Error);
        var workDirectory = Path.Combine(project.GeneratedRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDirectory);
        try
        {
            var files = modules.Select((c, i) => WriteModule(workDirectory, i, c)).ToList();
            var run = TypeScriptRun.Check(project, files, workDirectory);
            if (run.GlobalDiagnostics.Count > 0)
                throw new InvalidOperationException("the TypeScript setup is broken: " + string.Join("; ", run.GlobalDiagnostics));

            var byFile = run.Files.ToDictionary(f => Path.GetFullPath(f.File));
            var results = converted.Select(c => c.Module is null
                ? new ProgramResult(c.Source.Name, c.Findings)
                : new ProgramResult(c.Source.Name, FindingMapper.Map(c.Module, byFile[files[modules.IndexOf(c)]])))
                .ToList();
            var timings = new CheckTimings(conversion, install, run.NodeProcess,
                TimeSpan.FromMilliseconds(run.ProgramMs), TimeSpan.FromMilliseconds(run.CheckMs));
            return new CheckReport(results, timings, run.Typescript, options.KeepGeneratedFiles ? workDirectory : null);
        }
        finally
        {
            if (!options.KeepGeneratedFiles) Directory.Delete(workDirectory, recursive: true);
        }
    }

    private sealed record Conversion(ProgramSource Source, GeneratedModule? Module, IReadOnlyList<Finding> Findings);

    private static Conversion Convert(ProgramSource source)
    {
        try
        {
            var module = ProgramConverter.Convert(ProgramReader.Read(source.Text), source.Name);
            return new Conversion(source, module, []);
        }
        catch (ProgramFormatException error)
        {
            return new Conversion(source, null, [new Finding(error.Mark, null, "", "YAML", error.Message)]);
        }
    }

    private static string WriteModule(string directory, int index, Conversion conversion)
    {
        var stem = UnsafeFileCharacters().Replace(Path.GetFileNameWithoutExtension(conversion.Source.Name), "_");
        var path = Path.Combine(directory, $"{index:D3}-{stem}.ts");
        File.WriteAllText(path, conversion.Module!.Text); // ASCII only, so offsets are the same in C# and TypeScript
        return Path.GetFullPath(path);
    }

    private static string ReadProgram(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new FileNotFoundException($"program file not found: {path}", path);

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex UnsafeFileCharacters();
}
