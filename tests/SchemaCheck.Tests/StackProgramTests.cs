using System.Text.Json;
using Infra.Configuration;
using Infra.Core;
using Infra.Hosting;
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

    [Fact]
    public void Every_stack_with_the_gpu_endpoint_and_aws_batch_passes_the_schema_check()
    {
        var layout = ProjectLayout.Find(RepositoryRoot());
        var programs = StackNames().Select(stack => new ProgramSource($"{stack}-accelerated.yaml", SynthesizeAccelerated(layout, stack))).ToList();

        var report = new SchemaChecker().Check(programs);

        var output = new StringWriter();
        ReportPrinter.Print(report, output);
        Assert.True(report.Passed, output.ToString());
        foreach (var program in programs)
        {
            Assert.Contains("type: aws:sagemaker/endpoint:Endpoint", program.Text, StringComparison.Ordinal);
            Assert.Contains("type: aws:batch/jobDefinition:JobDefinition", program.Text, StringComparison.Ordinal);
        }
    }

    /// <summary>The stack file's config with <see cref="AcceleratedVariant.Keys"/> added, passed as Pulumi passes config.</summary>
    private static string SynthesizeAccelerated(ProjectLayout layout, string stack)
    {
        var values = AcceleratedVariant.AddedTo(ConfigLoader.FromStackFile(layout.StackFile(stack)).Values, layout.ProjectName);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PULUMI_STACK"] = stack,
            ["PULUMI_PROJECT"] = layout.ProjectName,
            ["PULUMI_CONFIG"] = JsonSerializer.Serialize(values),
        };
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var code = Deployment.Run([], global::Stacks.TeamStacks.Define, new DeploymentOptions
        {
            Out = output,
            Error = errors,
            ProjectDirectory = layout.RootDirectory,
            Environment = variable => environment.GetValueOrDefault(variable),
        });

        Assert.True(code == 0, $"synthesizing {stack} with the accelerated keys exited {code}:\n{errors}");
        return output.ToString();
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
