using SchemaCheck.Checking;
using Infra.Testing.Node;
using YamlDotNet.RepresentationModel;

namespace Template.Tests;

/// <summary>
/// The template's pull-request workflow is text that no CI here runs: it is checked against GitHub's workflow schema
/// (action-validator: SchemaStore's github-workflow schema, pinned in WorkflowValidator/package-lock.json), and for
/// what the issue asks of it, on pull requests: set up .NET 10, run the tests and synth the dev stack.
/// </summary>
public sealed class WorkflowFileTests
{
    private static readonly string WorkflowPath = Path.Combine(ScaffoldPaths.Content, ScaffoldPaths.Workflow);

    [Fact]
    public void The_pull_request_workflow_passes_the_GitHub_workflow_schema()
    {
        var result = WorkflowValidator.Validate(WorkflowPath);

        Assert.True(result.ExitCode == 0, $"action-validator rejected {WorkflowPath}:\n{result.StandardOutput}{result.StandardError}");
    }

    [Fact]
    public void The_schema_check_rejects_a_job_without_runs_on_and_a_misspelled_trigger()
    {
        var broken = Path.Combine(Path.GetTempPath(), $"broken-workflow-{Guid.NewGuid():N}.yml");
        File.WriteAllText(broken, "on:\n  pull_requst: {}\njobs:\n  test:\n    steps:\n      - run: dotnet test\n");
        try
        {
            var result = WorkflowValidator.Validate(broken);

            var report = result.StandardOutput + result.StandardError;
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("/jobs/test/runs-on", report, StringComparison.Ordinal);
            Assert.Contains("pull_requst", report, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public void The_workflow_runs_on_pull_requests_and_every_job_has_a_runner_and_steps_that_use_or_run()
    {
        var root = Load();

        Assert.True(Child(root, "on") is YamlMappingNode on && on.Children.ContainsKey(new YamlScalarNode("pull_request")),
            "the workflow's 'on' has no pull_request trigger");
        var jobs = Assert.IsType<YamlMappingNode>(Child(root, "jobs"));
        Assert.NotEmpty(jobs.Children);
        foreach (var (name, job) in jobs.Children)
        {
            var mapping = Assert.IsType<YamlMappingNode>(job);
            Assert.True(Child(mapping, "runs-on") is YamlScalarNode { Value.Length: > 0 }, $"job '{name}' has no runs-on");
            var steps = Assert.IsType<YamlSequenceNode>(Child(mapping, "steps"));
            Assert.NotEmpty(steps.Children);
            Assert.All(steps.Children.Cast<YamlMappingNode>(), step =>
                Assert.True((Child(step, "uses") is null) != (Child(step, "run") is null), $"a step of job '{name}' has neither or both of 'uses' and 'run'"));
        }
    }

    [Fact]
    public void The_workflow_sets_up_the_dotnet_10_SDK_then_runs_the_tests_and_synths_the_dev_stack()
    {
        var steps = Steps(Load());

        var setup = Assert.Single(steps, step => Scalar(step, "uses")?.StartsWith("actions/setup-dotnet@", StringComparison.Ordinal) == true);
        Assert.StartsWith("10.", Scalar((YamlMappingNode?)Child(setup, "with"), "dotnet-version") ?? "", StringComparison.Ordinal);
        var runs = steps.Select(step => Scalar(step, "run")).OfType<string>().ToList();
        var test = runs.FindIndex(run => run.StartsWith(ScaffoldPaths.TestCommand, StringComparison.Ordinal));
        var synth = runs.FindIndex(run => run == ScaffoldPaths.SynthCommand);
        Assert.True(test >= 0, $"no step runs '{ScaffoldPaths.TestCommand}': {string.Join(" | ", runs)}");
        Assert.True(synth > test, $"no step runs '{ScaffoldPaths.SynthCommand}' after the tests: {string.Join(" | ", runs)}");
        Assert.True(steps.IndexOf(setup) < steps.FindIndex(step => Scalar(step, "run") is not null), "setup-dotnet must come before the first command");
    }

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(WorkflowPath))
        {
            stream.Load(reader);
        }

        return Assert.IsType<YamlMappingNode>(Assert.Single(stream.Documents).RootNode);
    }

    private static List<YamlMappingNode> Steps(YamlMappingNode root) =>
        ((YamlMappingNode)Child(root, "jobs")!).Children.Values
            .SelectMany(job => ((YamlSequenceNode)Child((YamlMappingNode)job, "steps")!).Children.Cast<YamlMappingNode>())
            .ToList();

    private static YamlNode? Child(YamlMappingNode? mapping, string key) =>
        mapping is not null && mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private static string? Scalar(YamlMappingNode? mapping, string key) => (Child(mapping, key) as YamlScalarNode)?.Value;
}

/// <summary>action-validator, installed from the pinned lock file on first use (SchemaCheck's installer).</summary>
internal static class WorkflowValidator
{
    private static readonly string Directory = Path.Combine(TestModels.RepositoryFolder.Root, "tests", "Template.Tests", "WorkflowValidator");

    public static ProcessRunner.Result Validate(string workflow)
    {
        using var log = new StringWriter();
        try
        {
            new NodeProject(Directory).EnsureInstalled(log);
        }
        catch (InvalidOperationException error)
        {
            throw new InvalidOperationException($"{error.Message}\n{log}", error);
        }

        return ProcessRunner.Run("node", [Path.Combine(Directory, "node_modules", "@action-validator", "cli", "cli.mjs"), workflow], Directory);
    }
}
