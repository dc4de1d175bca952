using System.Text.RegularExpressions;
using System.Xml.Linq;
using TestModels;

namespace Template.Tests;

/// <summary>
/// The path a team takes, once for all end-to-end tests (it takes minutes): every package of this repository packed
/// into a local folder feed (deploy/pack.sh), the template installed from that feed into a private template store
/// (--debug:custom-hive, so the user's is untouched), <c>dotnet new mlserving-stack -n Team.Inference</c> in a
/// temporary folder outside this tree, then the scaffold's restore (a private NUGET_PACKAGES folder; sources: the
/// feed and this machine's), <c>dotnet test</c> and <c>synth --stack dev</c>. A step after a failed one does not run.
/// </summary>
public sealed partial class ScaffoldFixture : IDisposable
{
    public const string TeamName = "Team.Inference";

    private readonly List<CommandStep> steps = [];

    public ScaffoldFixture()
    {
        Work = Path.Combine(Path.GetTempPath(), $"mlserving-template-e2e-{Guid.NewGuid():N}");
        if (Work.StartsWith(RepositoryFolder.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the temporary folder {Work} lies inside the repository {RepositoryFolder.Root}");
        }

        Directory.CreateDirectory(Work);
        // A version no package cache can hold yet: the restore must take the packages packed here.
        Version = $"0.0.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}";
        Run();
    }

    /// <summary>The temporary folder holding the feed, the template store, the package folder and the scaffold.</summary>
    public string Work { get; }

    public string Version { get; }

    public string Feed => Path.Combine(Work, "feed");

    public string Scaffold => Path.Combine(Work, TeamName);

    public string SynthOutput => Path.Combine(Work, "team-inference-dev.yaml");

    /// <summary>The scaffold's files (relative, '/'-separated) right after <c>dotnet new</c>, before anything else ran.</summary>
    public IReadOnlyList<string> ScaffoldedFiles { get; private set; } = [];

    public IReadOnlyList<CommandStep> Steps => steps;

    public CommandStep Step(string name) => steps.Single(step => step.Name == name);

    public string Timings => string.Join(", ", steps.Select(step => $"{step.Name} {step.Elapsed.TotalSeconds:F0} s"));

    public void Dispose() => Directory.Delete(Work, recursive: true);

    private void Run()
    {
        var hive = Path.Combine(Work, "template-hive");
        var machine = new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" };
        var scaffold = new Dictionary<string, string?>(machine) { ["NUGET_PACKAGES"] = Path.Combine(Work, "packages") };

        if (!Do("pack", "bash", [Path.Combine(RepositoryFolder.Root, "deploy", "pack.sh"), Feed, Version], RepositoryFolder.Root, machine)
            || !Do("template install", "dotnet", ["new", "install", $"MlServing.Templates::{Version}", "--add-source", Feed, "--debug:custom-hive", hive], Work, machine)
            || !Do("scaffold", "dotnet", ["new", "mlserving-stack", "-n", TeamName, "-o", Scaffold, "--debug:custom-hive", hive], Work, machine))
        {
            return;
        }

        ScaffoldedFiles = Directory.EnumerateFiles(Scaffold, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Scaffold, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

        var sources = CommandStep.Run("machine sources", "dotnet", ["nuget", "list", "source", "--format", "short"], Work, machine, CommandStep.DefaultLimit);
        var globalPackages = CommandStep.Run("machine packages", "dotnet", ["nuget", "locals", "global-packages", "--list"], Work, machine, CommandStep.DefaultLimit);
        steps.Add(sources);
        steps.Add(globalPackages);
        if (!sources.Succeeded || !globalPackages.Succeeded)
        {
            return;
        }

        WriteNuGetConfig(EnabledSource().Matches(sources.Output).Select(m => m.Groups["source"].Value.Trim()).ToList(),
            GlobalPackagesFolder().Match(globalPackages.Output).Groups["folder"].Value.Trim());

        _ = Do("restore", "dotnet", ["restore"], Scaffold, scaffold)
            && Do("test", "dotnet", ["test", "--no-restore"], Scaffold, scaffold)
            && Do("synth", "dotnet", ["run", "--project", "stacks", "--no-restore", "--", "synth", "--stack", "dev", "--out", SynthOutput], Scaffold, scaffold)
            && Do("compile", "sh", ["deploy/compile.sh"], Scaffold, AsPulumiUp(scaffold));
    }

    /// <summary>
    /// The environment Pulumi's YAML runtime gives the compiler during <c>pulumi up</c> of the dev stack. The
    /// ReadyToRun build is asked for, so that the run publishes the function from the package's source without the
    /// Native AOT attempt (minutes, and the same publish path).
    /// </summary>
    private static Dictionary<string, string?> AsPulumiUp(IReadOnlyDictionary<string, string?> environment) =>
        new(environment)
        {
            ["PULUMI_STACK"] = "dev",
            ["PULUMI_PROJECT"] = ProjectName,
            ["PULUMI_CONFIG"] = $$"""{"{{ProjectName}}:functionBuild":"ready-to-run","aws:region":"us-east-1"}""",
        };

    /// <summary>The Pulumi project name the template derives from <see cref="TeamName"/>.</summary>
    public const string ProjectName = "team-inference";

    /// <summary>
    /// The scaffold's nuget.config: the local feed and the sources this machine restores from (never a host named
    /// here), with the machine's package folder as a read-only fallback so that nothing but the packed packages is
    /// fetched again. It cannot hold them: their version is new.
    /// </summary>
    private void WriteNuGetConfig(IReadOnlyList<string> machineSources, string machinePackages)
    {
        var packageSources = new XElement("packageSources", new XElement("clear"), new XElement("add", new XAttribute("key", "local-feed"), new XAttribute("value", Feed)));
        for (var index = 0; index < machineSources.Count; index++)
        {
            packageSources.Add(new XElement("add", new XAttribute("key", $"machine-{index + 1}"), new XAttribute("value", machineSources[index])));
        }

        var configuration = new XElement("configuration", packageSources);
        if (machinePackages.Length > 0 && Directory.Exists(machinePackages))
        {
            configuration.Add(new XElement("fallbackPackageFolders", new XElement("add", new XAttribute("key", "machine"), new XAttribute("value", machinePackages))));
        }

        new XDocument(configuration).Save(Path.Combine(Scaffold, "nuget.config"));
    }

    private bool Do(string name, string fileName, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var failed = steps.FirstOrDefault(step => !step.Succeeded);
        var step = failed is null ? CommandStep.Run(name, fileName, arguments, workingDirectory, environment, CommandStep.DefaultLimit) : CommandStep.NotRun(name, failed);
        steps.Add(step);
        return step.Succeeded;
    }

    [GeneratedRegex(@"^\s*E\s+(?<source>\S.*)$", RegexOptions.Multiline)]
    private static partial Regex EnabledSource();

    [GeneratedRegex(@"global-packages:\s*(?<folder>.+)$", RegexOptions.Multiline)]
    private static partial Regex GlobalPackagesFolder();
}
