using System.Text.Json;
using Infra.Configuration;
using Infra.Core;
using Infra.Hosting;
using Infra.Local;
using Infra.Testing.Programs;
using TestModels;

namespace AwsSemantics.Tests.Deployment;

/// <summary>
/// Both team stacks synthesized the way <c>pulumi up</c> runs <c>deploy/compile.sh</c>: <c>PULUMI_STACK</c>,
/// <c>PULUMI_PROJECT</c> and <c>PULUMI_CONFIG</c> (the stack file's config, as Pulumi passes it) set, the function build
/// published and <c>FUNCTION_BUILD_AUTO=ready-to-run</c>, so the zip functions' code (over Lambda's 50 MB direct upload)
/// goes through the artifacts bucket as a <c>BucketObject</c>, exactly as it does in a real deploy.
/// </summary>
public sealed class DeployedStacks
{
    public DeployedStacks()
    {
        Root = RepositoryRoot();
        var layout = ProjectLayout.Find(Root);
        using var buildLog = new StringWriter();
        new FunctionBuild(layout, buildLog).EnsurePublished();
        // Each stack as its file configures it, and with modelVersion pinned (the functions then load the model from the
        // registry bucket, a path with its own calls and grants).
        Stacks = global::Stacks.TeamStacks.Known.Select(name => Synthesize(layout, name, null))
            .Concat(global::Stacks.TeamStacks.Known.Select(name => Synthesize(layout, name, PinnedModelVersion)))
            .ToList();
    }

    /// <summary>The repository's checkout (where Infra.sln is).</summary>
    public string Root { get; }

    public IReadOnlyList<DeployedStack> Stacks { get; }

    /// <summary>The registry version the pinned variants serve: the bundled model's, which the tests push first.</summary>
    public const string PinnedModelVersion = "0.23.1";

    /// <summary>A stack as its stack file configures it.</summary>
    public DeployedStack this[string name] => Stacks.Single(s => s.Name == name && s.Variant is null);

    private static DeployedStack Synthesize(ProjectLayout layout, string name, string? pinnedModelVersion)
    {
        var config = ConfigLoader.FromStackFile(layout.StackFile(name));
        // Pulumi decrypts secure values before it runs the compiler; the tests have no key, so a secret stands in by its name.
        var values = config.Values.Concat(config.EncryptedKeys.Select(key => KeyValuePair.Create(key, $"secret-{key.Replace(':', '-')}@example.com")))
            .ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (pinnedModelVersion is not null)
        {
            values[$"{layout.ProjectName}:modelVersion"] = pinnedModelVersion;
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PULUMI_STACK"] = name,
            ["PULUMI_PROJECT"] = layout.ProjectName,
            ["PULUMI_ORGANIZATION"] = "organization",
            ["PULUMI_ROOT_DIRECTORY"] = layout.RootDirectory,
            ["PULUMI_CONFIG"] = JsonSerializer.Serialize(values),
            [global::Infra.Sdk.FunctionBuildChoice.AutoOutcomeVariable] = global::Infra.Sdk.FunctionBuildChoice.ReadyToRun,
        };

        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = Infra.Hosting.Deployment.Run([], global::Stacks.TeamStacks.Define, new DeploymentOptions
        {
            Out = output,
            Error = errors,
            ProjectDirectory = layout.RootDirectory,
            Environment = variable => environment.GetValueOrDefault(variable),
        });
        if (code != 0)
        {
            throw new InvalidOperationException($"synthesizing stack '{name}' failed with exit code {code}: {errors}");
        }

        var program = output.ToString();
        return new DeployedStack(name, pinnedModelVersion is null ? null : $"modelVersion {pinnedModelVersion}", values, program, ProgramReader.Read(program));
    }

    private static string RepositoryRoot() => RepositoryFolder.Root;
}

[CollectionDefinition(Name)]
public sealed class DeployedStacksCollection : ICollectionFixture<DeployedStacks>
{
    public const string Name = "deployed team stacks";
}
