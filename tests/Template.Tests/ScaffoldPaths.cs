using TestModels;

namespace Template.Tests;

/// <summary>Where the template lives in this repository.</summary>
internal static class ScaffoldPaths
{
    /// <summary>The team repository that <c>dotnet new mlserving-stack</c> scaffolds, as kept in git.</summary>
    public static string Content => Path.Combine(RepositoryFolder.Root, "templates", "mlserving-stack");

    /// <summary>The pull-request workflow, relative to a scaffolded repository's root.</summary>
    public const string Workflow = ".github/workflows/pull-request.yml";

    /// <summary>The commands the workflow runs: the tests, then the dev stack's synth.</summary>
    public const string TestCommand = "dotnet test";

    public const string SynthCommand = "dotnet run --project stacks -- synth --stack dev";
}
