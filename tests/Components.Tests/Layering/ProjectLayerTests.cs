using System.Text.RegularExpressions;

namespace Components.Tests.Layering;

/// <summary>
/// The layers, as project references (issue 17): each project sits in one layer and references only projects in
/// lower layers, so the compiler rejects a type that reaches up. Each project owns its folder: none lies inside
/// another's, and none compiles a source file from outside its own.
/// </summary>
public sealed partial class ProjectLayerTests
{
    /// <summary>
    /// Bottom first. The function's projects sit below all of the infrastructure: the function never references it,
    /// and the infrastructure may use the function's contracts. Projects in one layer do not reference each other.
    /// </summary>
    private static readonly string[][] Layers =
    [
        ["Contracts"],
        ["Inference", "LambdaEmulator"],
        // MlServing.Function compiles nothing: it packs the function's source tree (docs/packages.md). InferenceServer is
        // the same library as a long-lived HTTP server (the server mode).
        ["InferenceFunction", "InferenceServer", "LambdaEmulator.Cli", "MlServing.Function"],
        ["Infra.Core"],
        ["Infra.Aws"],
        ["Infra.Components", "Infra.Configuration"],
        ["Infra.Policy"],
        ["Infra.Preview"],
        ["Infra.Hosting"],
        ["Infra.Local", "Infra.Registry", "Infra.Quantization", "Infra.Testing"],
        // The one package a team's stack project references: the host with every verb, and the function's source.
        ["Infra.Sdk"],
        ["Infra.Stacks"],
        // Tools that tests run: the schema check, and the load check that Local.Tests starts as a process.
        ["SchemaCheck", "Benchmarks", "BatchBenchmark", "CacheBenchmark", "ColdStartFloor", "ServeLoad", "GpuCheck"],
        ["AwsSemantics.Tests", "Components.Tests", "Inference.Tests", "InferenceFunction.Tests", "InferenceServer.Tests", "Local.Tests", "Packaging.Tests", "Quantization.Tests", "Registry.Tests", "SchemaCheck.Tests", "Template.Tests", "Testing.Tests"],
    ];

    private static IReadOnlyList<ProjectFile> Projects => ProjectFile.All(TeamStackTests.RepositoryRoot());

    private static int LayerOf(string project) => Array.FindIndex(Layers, layer => layer.Contains(project));

    [Fact]
    public void Every_project_has_a_layer_and_is_in_the_solution()
    {
        var root = TeamStackTests.RepositoryRoot();
        var inSolution = SolutionProject().Matches(File.ReadAllText(Path.Combine(root, "Infra.sln")))
            .Select(m => Path.GetFullPath(Path.Combine(root, m.Groups["path"].Value.Replace('\\', '/'))))
            .ToHashSet(StringComparer.Ordinal);
        var projects = Projects;

        Assert.Empty(projects.Where(p => LayerOf(p.Name) < 0).Select(p => $"{p.Name} ({p.Directory}) has no layer in {nameof(Layers)}"));
        Assert.Empty(projects.Where(p => !inSolution.Contains(Path.Combine(p.Directory, p.Name + ".csproj"))).Select(p => $"{p.Name} is not in Infra.sln"));
        Assert.Empty(inSolution.Where(path => !File.Exists(path)).Select(path => $"Infra.sln names {path}, which does not exist"));
    }

    [Fact]
    public void Every_project_reference_points_to_a_lower_layer()
    {
        var projects = Projects;
        var byPath = projects.ToDictionary(p => Path.Combine(p.Directory, p.Name + ".csproj"), StringComparer.Ordinal);
        var wrong = new List<string>();
        foreach (var project in projects.Where(p => LayerOf(p.Name) >= 0))
        {
            foreach (var reference in project.References)
            {
                if (!byPath.TryGetValue(reference, out var target))
                {
                    wrong.Add($"{project.Name} references {reference}, which is not a project of the repository");
                }
                else if (LayerOf(target.Name) >= LayerOf(project.Name))
                {
                    wrong.Add($"{project.Name} (layer {LayerOf(project.Name)}) references {target.Name} (layer {LayerOf(target.Name)}): references must point to a lower layer");
                }
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void No_project_folder_lies_inside_another_projects_folder()
    {
        var projects = Projects;
        var nested = projects
            .SelectMany(inner => projects.Where(outer => outer != inner && outer.Contains(inner.Directory + Path.DirectorySeparatorChar))
                .Select(outer => (Inner: inner.Name, Outer: outer.Name)))
            .Select(pair => $"{pair.Inner} lies inside the folder of {pair.Outer}");

        Assert.Empty(nested);
    }

    [Fact]
    public void No_project_compiles_a_source_file_from_outside_its_folder()
    {
        var links = Projects
            .SelectMany(p => p.CompiledFiles.Where(file => !p.Contains(file)).Select(file => (Project: p.Name, File: file)))
            // The test projects share their fixtures from tests/Shared; the rule is for the code that ships.
            .Where(link => !Layers[^1].Contains(link.Project))
            .Select(link => $"{link.Project} compiles {link.File}, outside its folder: reference the project that owns it instead");

        Assert.Empty(links);
    }

    [GeneratedRegex("""^Project\("\{[^}]+\}"\) = "[^"]+", "(?<path>[^"]+\.csproj)",""", RegexOptions.Multiline)]
    private static partial Regex SolutionProject();
}
