using Infra.Components;
using Infra.Core;

namespace Components.Tests.Packaging;

/// <summary>
/// FunctionSource: this repository builds the function from its own tree; a team's project from the tree the package
/// MlServing.Function ships, materialized into .build/function-source and copied again only for another version.
/// </summary>
public sealed class FunctionSourceTests : IDisposable
{
    private readonly string _team = Directory.CreateTempSubdirectory("team-repository-").FullName;
    private readonly string _shipped = Directory.CreateTempSubdirectory("shipped-function-").FullName;

    public FunctionSourceTests()
    {
        File.WriteAllText(Path.Combine(_team, ProjectLayout.ProjectFileName), "name: team\nruntime: yaml\nmain: deploy/\n");
        Ship("0.1.0", "<Project />");
    }

    public void Dispose()
    {
        Directory.Delete(_team, recursive: true);
        Directory.Delete(_shipped, recursive: true);
    }

    private string Materialized => Path.Combine(_team, ".build", "function-source");

    private void Ship(string version, string project)
    {
        var file = Path.Combine(_shipped, FunctionSource.ProjectFromRoot);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, project);
        File.WriteAllText(Path.Combine(_shipped, "functions", "Dockerfile"), "FROM scratch\n");
        File.WriteAllText(Path.Combine(_shipped, FunctionSource.VersionFile), version + "\n");
    }

    [Fact]
    public void This_repository_builds_the_function_from_its_own_root()
    {
        var layout = ProjectLayout.Find(TeamStackTests.RepositoryRoot());

        var source = FunctionSource.Resolve(layout, _shipped);

        Assert.Equal(".", source.PathFromRoot);
        Assert.Equal(Path.GetFullPath(layout.RootDirectory), source.RootDirectory);
        Assert.True(File.Exists(source.ProjectFile));
        // The container context the team stacks have always had (the synthesized programs stay byte-identical).
        Assert.Equal(CodeDirectory.FromProject(layout, "."), source.BuildContext);
    }

    [Fact]
    public void A_team_project_gets_the_shipped_tree_in_build_function_source_with_paths_relative_to_the_project()
    {
        var layout = ProjectLayout.Find(_team);

        var source = FunctionSource.Resolve(layout, _shipped);

        Assert.Equal(".build/function-source", source.PathFromRoot);
        Assert.Equal(Materialized, source.RootDirectory);
        Assert.Equal("<Project />", File.ReadAllText(source.ProjectFile));
        Assert.Equal("FROM scratch\n", File.ReadAllText(Path.Combine(Materialized, "functions", "Dockerfile")));
        // Pulumi resolves the context from the program folder (deploy/), so the program names it from there.
        Assert.Equal(new CodeDirectory("../.build/function-source", Materialized), source.BuildContext);
        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(_team, ".build")), d => d != Materialized);
    }

    [Fact]
    public void The_tree_is_copied_again_only_when_the_shipped_version_differs()
    {
        var layout = ProjectLayout.Find(_team);
        FunctionSource.Resolve(layout, _shipped);
        var project = Path.Combine(Materialized, FunctionSource.ProjectFromRoot);
        File.WriteAllText(project, "edited here");
        var leftover = Path.Combine(Materialized, "functions", "Removed.cs");
        File.WriteAllText(leftover, "// from an older version");

        FunctionSource.Resolve(layout, _shipped);
        Assert.Equal("edited here", File.ReadAllText(project));

        Ship("0.2.0", "<Project Sdk=\"next\" />");
        FunctionSource.Resolve(layout, _shipped);
        Assert.Equal("<Project Sdk=\"next\" />", File.ReadAllText(project));
        Assert.False(File.Exists(leftover), "a file of the older version was left in the tree");
        Assert.Equal("0.2.0", File.ReadAllText(Path.Combine(Materialized, FunctionSource.VersionFile)).Trim());
    }

    [Fact]
    public void Without_the_function_source_the_error_names_both_places_and_the_package()
    {
        var layout = ProjectLayout.Find(_team);
        var nowhere = Path.Combine(_shipped, "missing");

        var error = Assert.Throws<InvalidOperationException>(() => FunctionSource.Resolve(layout, nowhere));

        Assert.Contains($"{_team} has no {FunctionSource.ProjectFromRoot}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{nowhere} has no {FunctionSource.VersionFile}", error.Message, StringComparison.Ordinal);
        Assert.Contains("MlServing.Sdk", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Materialized));
    }
}
