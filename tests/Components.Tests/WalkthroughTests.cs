using Infra.Hosting;

namespace Components.Tests;

/// <summary>The README's walkthrough is Walkthrough/MyStack.cs, which this project compiles; these tests keep the two the same and synthesize it.</summary>
public sealed class WalkthroughTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("walkthrough").FullName;

    public WalkthroughTests() => File.WriteAllText(Path.Combine(_project, "Pulumi.yaml"), "name: team\nruntime: yaml\nmain: deploy/\n");

    public void Dispose() => Directory.Delete(_project, recursive: true);

    [Fact]
    public void The_readme_shows_exactly_the_compiled_walkthrough()
    {
        var root = TeamStackTests.RepositoryRoot();
        var snippet = File.ReadAllText(Path.Combine(root, "tests", "Components.Tests", "Walkthrough", "MyStack.cs")).ReplaceLineEndings("\n");
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + snippet + "```\n", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void The_walkthrough_synthesizes_with_its_secret_read_by_the_engine()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var environment = new Dictionary<string, string> { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = """{"team:alarmEmail":"ops@example.com","team:memoryMb":"3008"}""" };

        var code = Deployment.Run([], MyStack.Define, new DeploymentOptions
        {
            Out = output,
            Error = errors,
            ProjectDirectory = _project,
            Environment = name => environment.GetValueOrDefault(name),
        });

        Assert.True(code == 0, errors.ToString());
        var program = output.ToString();
        Assert.Contains("endpoint: ${alarmEmail}", program, StringComparison.Ordinal);
        Assert.DoesNotContain("ops@example.com", program, StringComparison.Ordinal);
        Assert.Contains("memorySize: 3008", program, StringComparison.Ordinal);
        Assert.Contains("url: ${embed-api-stage.invokeUrl}", program, StringComparison.Ordinal);
        Assert.Contains("type: aws:apigateway/account:Account", program, StringComparison.Ordinal);
    }
}
