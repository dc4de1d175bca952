using System.Text.RegularExpressions;
using TestModels;

namespace Template.Tests;

/// <summary>
/// The README's "Use it in your repository" and "Test your stack in pull requests" show what the template holds:
/// its example tests and its workflow exactly (the end-to-end test compiles and runs the first, WorkflowFileTests
/// checks the second), and the commands and names the template answers to.
/// </summary>
public sealed partial class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepositoryFolder.Root, "README.md")).ReplaceLineEndings("\n");

    [Fact]
    public void The_readme_shows_exactly_the_templates_example_tests()
    {
        var tests = File.ReadAllText(Path.Combine(ScaffoldPaths.Content, "tests", "Team.Inference.Tests", "InferenceStackTests.cs")).ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + tests + "```\n", Readme, StringComparison.Ordinal);
    }

    [Fact]
    public void The_readme_shows_exactly_the_templates_workflow()
    {
        var workflow = File.ReadAllText(Path.Combine(ScaffoldPaths.Content, ScaffoldPaths.Workflow)).ReplaceLineEndings("\n");

        Assert.Contains("```yaml\n" + workflow + "```\n", Readme, StringComparison.Ordinal);
    }

    [Fact]
    public void The_readme_installs_and_runs_the_template_by_its_package_id_and_short_name()
    {
        var template = File.ReadAllText(Path.Combine(ScaffoldPaths.Content, ".template.config", "template.json"));
        var shortName = ShortName().Match(template).Groups["name"].Value;
        var packageId = PackageId().Match(File.ReadAllText(Path.Combine(RepositoryFolder.Root, "templates", "MlServing.Templates.csproj"))).Groups["id"].Value;

        Assert.Contains($"dotnet new install {packageId}", Readme, StringComparison.Ordinal);
        Assert.Contains($"dotnet new {shortName} -n {ScaffoldFixture.TeamName}", Readme, StringComparison.Ordinal);
    }

    [Fact]
    public void The_readmes_package_reference_names_the_version_of_the_one_version_source()
    {
        var version = VersionPrefix().Match(File.ReadAllText(Path.Combine(RepositoryFolder.Root, "Directory.Build.props"))).Groups["version"].Value;

        Assert.NotEmpty(version);
        Assert.Contains($"<PackageReference Include=\"MlServing.Sdk\" Version=\"{version}\" />", Readme, StringComparison.Ordinal);
    }

    [GeneratedRegex("<VersionPrefix>(?<version>[^<]+)</VersionPrefix>")]
    private static partial Regex VersionPrefix();

    [GeneratedRegex("\"shortName\":\\s*\"(?<name>[^\"]+)\"")]
    private static partial Regex ShortName();

    [GeneratedRegex("<PackageId>(?<id>[^<]+)</PackageId>")]
    private static partial Regex PackageId();
}
