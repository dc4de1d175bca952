using System.Text.RegularExpressions;
using System.Xml.Linq;
using SchemaCheck.Checking;
using TestModels;
using Xunit.Abstractions;
using YamlDotNet.RepresentationModel;

namespace Template.Tests;

/// <summary>
/// Issue 20's "done when": from this repository alone, the packages and the template go into a local feed, the
/// template scaffolds a team repository in a temporary folder, and there its example tests and its dev synth pass,
/// the synthesized program passing the schema check. One scaffold serves every test (<see cref="ScaffoldFixture"/>).
/// </summary>
public sealed partial class EndToEndTests(ScaffoldFixture scaffold, ITestOutputHelper output) : IClassFixture<ScaffoldFixture>
{
    /// <summary>What the issue and the template's README promise, as <c>-n Team.Inference</c> names it.</summary>
    public static readonly string[] PromisedFiles =
    [
        ".github/workflows/pull-request.yml",
        ".gitignore",
        "Directory.Build.props",
        "Directory.Packages.props",
        "Pulumi.dev.yaml",
        "Pulumi.yaml",
        "README.md",
        "Team.Inference.slnx",
        "deploy/compile.sh",
        "deploy/function-build.sh",
        "deploy/lambda-glibc.sh",
        "nuget.config",
        "stacks/InferenceStack.cs",
        "stacks/Program.cs",
        "stacks/Team.Inference.Stacks.csproj",
        "tests/Team.Inference.Tests/InferenceStackTests.cs",
        "tests/Team.Inference.Tests/Team.Inference.Tests.csproj",
    ];

    [Fact]
    public void The_template_installs_from_the_local_feed_and_scaffolds_every_promised_file()
    {
        Report();
        AssertSucceeded("scaffold");

        Assert.Equal(PromisedFiles.Order(StringComparer.Ordinal), scaffold.ScaffoldedFiles);
    }

    [Fact]
    public void The_scaffolds_deploy_scripts_are_this_repositorys_and_its_Pulumi_project_runs_them_as_ours_does()
    {
        AssertSucceeded("scaffold");

        foreach (var script in PromisedFiles.Where(file => file.StartsWith("deploy/", StringComparison.Ordinal)))
        {
            Assert.True(File.ReadAllBytes(Path.Combine(RepositoryFolder.Root, script)).SequenceEqual(File.ReadAllBytes(Path.Combine(scaffold.Scaffold, script))),
                $"the scaffold's {script} differs from this repository's");
        }

        var ours = PulumiProject(RepositoryFolder.Root);
        var theirs = PulumiProject(scaffold.Scaffold);
        Assert.Equal("team-inference", theirs["name"]);
        Assert.Equal(ours["runtime"], theirs["runtime"]);
        Assert.Equal(ours["main"], theirs["main"]);
    }

    [Fact]
    public void The_scaffold_pins_the_packed_MlServing_version_and_this_repositorys_test_package_versions()
    {
        AssertSucceeded("scaffold");

        var ours = PackageVersions(Path.Combine(RepositoryFolder.Root, "Directory.Packages.props"));
        var theirs = PackageVersions(Path.Combine(scaffold.Scaffold, "Directory.Packages.props"));
        Assert.Equal(scaffold.Version, theirs["MlServing.Sdk"]);
        Assert.Equal(scaffold.Version, theirs["MlServing.Testing"]);
        foreach (var (package, version) in theirs.Where(p => !p.Key.StartsWith("MlServing.", StringComparison.Ordinal)))
        {
            Assert.Equal((package, ours[package]), (package, version));
        }
    }

    [Fact]
    public void The_scaffolds_two_example_tests_pass_against_the_packages()
    {
        Report();
        AssertSucceeded("test");

        var summary = TestSummary().Match(scaffold.Step("test").Output);
        Assert.True(summary.Success, $"no test summary in:\n{scaffold.Step("test")}");
        Assert.Equal(("0", "2"), (summary.Groups["failed"].Value, summary.Groups["passed"].Value));
    }

    [Fact]
    public void The_scaffolds_dev_synth_passes_the_schema_check()
    {
        AssertSucceeded("synth");

        var report = new SchemaChecker().Check([new ProgramSource("team-inference-dev.yaml", File.ReadAllText(scaffold.SynthOutput))]);
        using var printed = new StringWriter();
        ReportPrinter.Print(report, printed);
        Assert.True(report.Passed, printed.ToString());
        Assert.Contains("type: aws:lambda/function:Function", File.ReadAllText(scaffold.SynthOutput), StringComparison.Ordinal);
    }

    [Fact]
    public void The_scaffolds_compiler_run_as_pulumi_up_runs_it_publishes_the_function_from_the_package_and_prints_the_program()
    {
        AssertSucceeded("compile");

        // Pulumi reads the program from the compiler's stdout; the publishes write only to stderr.
        var program = scaffold.Step("compile").Output;
        Assert.Contains("type: aws:lambda/function:Function", program, StringComparison.Ordinal);
        Assert.Contains("../.build/function/ready-to-run-linux-x64", program, StringComparison.Ordinal);

        // The function was built from the tree MlServing.Function shipped, materialized at its version.
        var source = Path.Combine(scaffold.Scaffold, ".build", "function-source");
        Assert.Equal(scaffold.Version, File.ReadAllText(Path.Combine(source, "mlserving-function.version")).Trim());
        var published = Path.Combine(scaffold.Scaffold, ".build", "function", "ready-to-run-linux-x64");
        Assert.True(File.Exists(Path.Combine(published, "InferenceFunction.dll")), $"no InferenceFunction.dll in {published}");
        Assert.True(File.Exists(Path.Combine(published, "models", "resnet18", "ResNet18.onnx")), $"the bundled model is not in {published}");
    }

    private void AssertSucceeded(string name)
    {
        if (scaffold.Steps.Any(step => step.Name == name && step.Succeeded))
        {
            return;
        }

        var failed = scaffold.Steps.FirstOrDefault(step => !step.Succeeded);
        Assert.Fail(failed is null ? $"the step '{name}' did not run" : $"the end-to-end run failed at '{failed.Name}', which '{name}' needs:\n{failed}");
    }

    private void Report() => output.WriteLine($"end-to-end steps (version {scaffold.Version}): {scaffold.Timings}");

    private static Dictionary<string, YamlNode> PulumiProject(string root)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(Path.Combine(root, "Pulumi.yaml")))
        {
            stream.Load(reader);
        }

        return ((YamlMappingNode)stream.Documents[0].RootNode).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => e.Value);
    }

    private static Dictionary<string, string> PackageVersions(string props) =>
        XDocument.Load(props).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.Ordinal);

    /// <summary>The runner's summary: "Passed!  - Failed:     0, Passed:     2, Skipped: ...".</summary>
    [GeneratedRegex(@"Failed:\s+(?<failed>\d+),\s+Passed:\s+(?<passed>\d+),")]
    private static partial Regex TestSummary();
}
