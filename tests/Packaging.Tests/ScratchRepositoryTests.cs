using System.Security;
using SchemaCheck.Checking;
using TestModels;

namespace Packaging.Tests;

/// <summary>
/// The path a team takes: a repository in a temporary folder outside this tree, whose stack project references only
/// MlServing.Sdk from the feed, builds; its <c>synth</c> emits a program with a REST API on the bundled model and a
/// container API whose build context is the function's source from the package; the program passes the schema check.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class ScratchRepositoryTests(PackedFeed feed) : IDisposable
{
    private readonly string _repository = Directory.CreateTempSubdirectory("team-repository-").FullName;

    public void Dispose() => Directory.Delete(_repository, recursive: true);

    private const string StackProgram = """
        using Infra.Components;
        using Infra.Sdk;

        return StackHost.Run(args, context =>
        {
            var stack = context.Stack;
            var build = FunctionBuildChoice.Read(context.Config);
            var package = build.Package(context.Layout, context.Environment);
            var api = new RestApiSettings
            {
                Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 5, BurstLimit = 10 }],
                Clients = [new ApiClient("default", "standard")],
            };
            var artifacts = new EncryptedBucket(stack, "artifacts", new EncryptedBucketArgs { ForceDestroy = true });
            new RestInferenceApi(stack, "embed", new RestInferenceApiArgs
            {
                ModelName = "resnet18",
                ModelVersion = "0.23.1",
                Function = new InferenceFunctionArgs { Code = package.Code, Runtime = package.Runtime, Architecture = build.Architecture, ArtifactsBucket = artifacts },
                Api = api,
            });
            new ContainerInferenceApi(stack, "large", new ContainerInferenceApiArgs
            {
                BuildContext = FunctionSource.Resolve(context.Layout).BuildContext,
                ModelName = "resnet18",
                ModelVersion = "0.23.1",
                Api = api,
            });
            return null;
        });
        """;

    /// <summary>The local feed first, then this machine's own enabled sources, read from the dotnet CLI (none is named here).</summary>
    private string NuGetConfig()
    {
        var listed = CommandStep.Run("dotnet nuget list source", "dotnet", ["nuget", "list", "source", "--format", "short"], Path.GetTempPath(), CommandStep.NoChanges, CommandStep.DefaultLimit).AssertSucceeded();
        var sources = listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("E ", StringComparison.Ordinal))
            .Select(line => line[2..].Trim())
            .Prepend(feed.Directory)
            .Select((source, index) => $"""    <add key="source{index}" value="{SecurityElement.Escape(source)}" />""");
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
            {string.Join('\n', sources)}
              </packageSources>
            </configuration>
            """;
    }

    private void Write(string path, string text)
    {
        var file = Path.Combine(_repository, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
    }

    [Fact]
    public void A_team_repository_that_references_only_the_sdk_builds_and_its_synth_passes_the_schema_check()
    {
        Write("nuget.config", NuGetConfig());
        Write("Pulumi.yaml", "name: team-inference\nruntime: yaml\n");
        Write("Pulumi.dev.yaml", "config: {}\n");
        Write("stacks/Team.Inference.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="MlServing.Sdk" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        Write("stacks/Program.cs", StackProgram);
        // A private package folder: the machine's cache never holds (or serves) an MlServing.* of this version.
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(_repository, ".packages") };

        CommandStep.Run("the team's dotnet build", "dotnet", ["build", "stacks", "-c", "Release", "--nologo"], _repository, environment, CommandStep.DefaultLimit).AssertSucceeded();
        var program = Path.Combine(_repository, "stacks", "bin", "Release", "net10.0", "Team.Inference.dll");
        var plan = CommandStep.Run("function-builds", "dotnet", [program, "function-builds", "--stack", "dev"], _repository, CommandStep.NoChanges, CommandStep.DefaultLimit).AssertSucceeded();
        var synth = CommandStep.Run("synth", "dotnet", [program, "synth", "--stack", "dev", "--out", "dev.yaml"], _repository, CommandStep.NoChanges, CommandStep.DefaultLimit).AssertSucceeded();

        var source = Path.Combine(_repository, ".build", "function-source");
        Assert.Equal($"auto linux-x64 {source}", plan.Output.Trim());
        Assert.True(File.Exists(Path.Combine(source, "functions", "InferenceFunction", "InferenceFunction.csproj")), "the function's project was not materialized");
        Assert.Equal(feed.Version, File.ReadAllText(Path.Combine(source, "mlserving-function.version")).Trim());
        var yaml = File.ReadAllText(Path.Combine(_repository, "dev.yaml"));
        Assert.Contains("context: \".build/function-source\"", yaml, StringComparison.Ordinal);
        Assert.Contains("dockerfile: \".build/function-source/functions/Dockerfile\"", yaml, StringComparison.Ordinal);
        Assert.Contains("fn::fileArchive: \".build/function/ready-to-run-", yaml, StringComparison.Ordinal);

        var report = new SchemaChecker().Check([new ProgramSource("team-dev.yaml", yaml)]);
        var findings = report.Programs.SelectMany(p => p.Findings).Select(f => $"{f.Entity?.Name} {f.Path}: {f.Code} {f.Message}");
        Assert.True(report.Passed, string.Join(Environment.NewLine, findings));
    }
}
