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
    public void The_readme_shows_exactly_the_compiled_gpu_walkthrough()
    {
        var root = TeamStackTests.RepositoryRoot();
        var snippet = File.ReadAllText(Path.Combine(root, "tests", "Components.Tests", "Walkthrough", "GpuStack.cs")).ReplaceLineEndings("\n");
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + snippet + "```\n", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void The_gpu_walkthrough_synthesizes_the_endpoint_its_front_and_the_aws_batch_jobs()
    {
        // The repository as the project: the images' build context is the function's source tree (FunctionSource).
        var root = TeamStackTests.RepositoryRoot();
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var environment = new Dictionary<string, string>
        {
            ["PULUMI_STACK"] = "dev",
            ["PULUMI_CONFIG"] = """{"ml-serving:alarmEmail":"ops@example.com","ml-serving:subnetIds":"[\"subnet-0a1b2c3d4e5f60718\"]","ml-serving:securityGroupIds":"[\"sg-0a1b2c3d4e5f60718\"]"}""",
        };

        var code = Deployment.Run([], GpuStack.Define, new DeploymentOptions
        {
            Out = output,
            Error = errors,
            ProjectDirectory = root,
            Environment = name => environment.GetValueOrDefault(name),
        });

        Assert.True(code == 0, errors.ToString());
        var program = output.ToString();
        Assert.Contains("type: aws:sagemaker/endpoint:Endpoint", program, StringComparison.Ordinal);
        Assert.Contains("dockerfile: \"../functions/Dockerfile.gpu\"", program, StringComparison.Ordinal);
        Assert.Contains("GPU_ENDPOINT_NAME:", program, StringComparison.Ordinal);
        Assert.Contains("type: aws:batch/jobDefinition:JobDefinition", program, StringComparison.Ordinal);
        Assert.Contains("- subnet-0a1b2c3d4e5f60718", program, StringComparison.Ordinal);
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
