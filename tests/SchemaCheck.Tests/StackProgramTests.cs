using Infra.Testing.Node;
using SchemaCheck.Checking;
using TestModels;

namespace SchemaCheck.Tests;

/// <summary>
/// Synthesizes every stack (a Pulumi.&lt;stack&gt;.yaml at the repository root), as YAML and as JSON, and
/// type-checks all the programs in one run.
/// </summary>
[Collection(NodeCollection.Name)]
public class StackProgramTests
{
    [Fact]
    public void Every_synthesized_stack_passes_the_schema_check()
    {
        var stacks = StackNames();
        Assert.NotEmpty(stacks);
        var outputDirectory = Directory.CreateTempSubdirectory("schema-check-stacks-").FullName;
        try
        {
            var programs = stacks.SelectMany(stack => new[] { "yaml", "json" }.Select(format => Synthesize(stack, format, outputDirectory))).ToList();

            var report = new SchemaChecker().CheckFiles(programs);

            var output = new StringWriter();
            ReportPrinter.Print(report, output);
            Assert.True(report.Passed, output.ToString());
            Assert.Equal(2 * stacks.Count, report.Programs.Count);
        }
        finally
        {
            Directory.Delete(outputDirectory, recursive: true);
        }
    }

    private static List<string> StackNames()
    {
        var root = RepositoryRoot();
        return Directory.GetFiles(root, "Pulumi.*.yaml")
            .Select(path => Path.GetFileName(path)["Pulumi.".Length..^".yaml".Length])
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static string Synthesize(string stack, string format, string outputDirectory)
    {
        var file = Path.Combine(outputDirectory, $"{stack}.{format}");
        var run = ProcessRunner.Run("dotnet", ["Infra.Stacks.dll", "synth", "--stack", stack, "--format", format, "--out", file], AppContext.BaseDirectory);
        Assert.True(run.ExitCode == 0, $"synth --stack {stack} --format {format} exited {run.ExitCode}:\n{run.StandardError}");
        return file;
    }

    private static string RepositoryRoot() => RepositoryFolder.Root;
}
