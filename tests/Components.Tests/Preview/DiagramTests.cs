using System.Text.RegularExpressions;
using Infra.Components;
using Infra.Configuration;
using Infra.Core;
using Infra.Hosting;
using Infra.Preview;
using Infra.Core.Synthesis;

namespace Components.Tests.Preview;

/// <summary>
/// The diagram of the dev stack, as deployed with the bundled model (its package is over 50 MB,
/// so it goes through S3). docs/dev-stack.svg is this diagram; regenerate it with
/// <c>REGENERATE_DOCS=1 dotnet test tests/Components.Tests --filter DiagramTests</c>.
/// </summary>
public sealed partial class DiagramTests : IDisposable
{
    private readonly TempProject _project = new("ml-serving");

    public DiagramTests()
    {
        var root = TeamStackTests.RepositoryRoot();
        File.Copy(Path.Combine(root, "Pulumi.dev.yaml"), Path.Combine(_project.Root, "Pulumi.dev.yaml"));
        // The container pattern's build context is the function's source root (FunctionSource): a project with the
        // function's project file is its own root, as this repository is.
        Directory.CreateDirectory(Path.Combine(_project.Root, "functions", "InferenceFunction"));
        File.Copy(Path.Combine(root, "functions", "Dockerfile"), Path.Combine(_project.Root, "functions", "Dockerfile"));
        File.Copy(Path.Combine(root, FunctionSource.ProjectFromRoot), Path.Combine(_project.Root, FunctionSource.ProjectFromRoot));
        _project.PublishFunction(80L * 1024 * 1024, ".build/function/ready-to-run-linux-x64"); // the team stacks' folder when compile.sh decided nothing
    }

    public void Dispose() => _project.Dispose();

    private static string DocsDiagram => Path.Combine(TeamStackTests.RepositoryRoot(), "docs", "dev-stack.svg");

    /// <summary>dot is required in CI, which installs it; elsewhere its absence skips the test.</summary>
    private static void RequireDot() =>
        Skip.If(!Graphviz.IsInstalled() && Environment.GetEnvironmentVariable("CI") != "true", "Graphviz's `dot` is not installed (apt-get install graphviz); CI installs it");

    private Stack DevStack()
    {
        var stack = new Stack("ml-serving", "dev");
        var config = new StackConfig("ml-serving", ConfigLoader.FromStackFile(Path.Combine(_project.Root, "Pulumi.dev.yaml")));
        Stacks.TeamStacks.Define(new StackContext(stack, config, _project.Layout));
        return stack;
    }

    private static SortedSet<string> NodeNames(string svg) =>
        new(NodeTitle().Matches(svg).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)), StringComparer.Ordinal);

    [Fact]
    public void The_dot_graph_has_a_cluster_per_component_and_an_arrow_per_reference()
    {
        var stack = DevStack();
        var dot = DiagramWriter.Dot(new ProgramGraph(stack));

        Assert.All(stack.Components, c => Assert.Contains($"subgraph \"cluster_{c.Path}\" {{", dot, StringComparison.Ordinal));
        Assert.Contains("\"embed-api-infer-integration\" -> \"embed-function-alias\" [label=\"uri\"];", dot, StringComparison.Ordinal);
        Assert.Contains("\"embed-function-logs\" -> \"embed-function-key\" [label=\"kmsKeyId\"];", dot, StringComparison.Ordinal);
        Assert.Contains("\"batch-trigger\" -> \"batch-queue\" [label=\"eventSourceArn\"];", dot, StringComparison.Ordinal);
        Assert.Contains("\"embed-function-code\" -> \"artifacts-bucket\" [label=\"bucket\"];", dot, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Preview_renders_the_dev_stack_as_an_svg_with_every_resource_as_a_node()
    {
        RequireDot();
        var file = Path.Combine(_project.Root, "dev.svg");

        var (code, _, errors) = _project.Run(Stacks.TeamStacks.Define, null, "preview", "--stack", "dev", "--diagram", file);

        Assert.True(code == 0, errors);
        var svg = File.ReadAllText(file);
        Assert.StartsWith("<?xml", svg, StringComparison.Ordinal);
        Assert.Equal(new SortedSet<string>(DevStack().Resources.Select(r => r.LogicalName), StringComparer.Ordinal), NodeNames(svg));
        Assert.Contains("embed/function (ml:InferenceFunction)", svg, StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("REGENERATE_DOCS") == "1")
        {
            File.Copy(file, DocsDiagram, overwrite: true);
        }
    }

    [Fact]
    public void The_diagram_in_the_docs_shows_exactly_the_dev_stacks_resources()
    {
        Assert.True(File.Exists(DocsDiagram), $"{DocsDiagram} is missing: regenerate it (see this class's summary)");

        var stale = new SortedSet<string>(DevStack().Resources.Select(r => r.LogicalName), StringComparer.Ordinal);
        stale.SymmetricExceptWith(NodeNames(File.ReadAllText(DocsDiagram)));

        Assert.True(stale.Count == 0, $"docs/dev-stack.svg is stale (differs in {string.Join(", ", stale)}): REGENERATE_DOCS=1 dotnet test tests/Components.Tests --filter DiagramTests");
    }

    [GeneratedRegex("<g id=\"node[0-9]+\" class=\"node\">\\s*<title>([^<]*)</title>")]
    private static partial Regex NodeTitle();
}
