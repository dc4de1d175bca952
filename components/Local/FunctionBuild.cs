using System.Diagnostics;
using System.Runtime.InteropServices;
using Infra.Components;
using Infra.Core;
using Infra.Hosting;
using Infra.Local.Emulators;

namespace Infra.Local;

/// <summary>
/// Publishes the inference function, ReadyToRun for this machine's CPU, to <c>.build/function/ready-to-run-{rid}</c>
/// when it is stale, by the rule <c>deploy/compile.sh</c> uses: the output is missing, or a source (.cs, .csproj,
/// .props, .json under functions/ of the function's source root, <see cref="FunctionSource"/>, or that root's
/// Directory.*.props) is newer. It is the folder compile.sh
/// publishes for <c>functionBuild: ready-to-run</c>, so the two share one build. Build output goes to the given
/// writer (stderr). <see cref="ForServer"/> builds the server mode (functions/InferenceServer) by the same rule, for the
/// GPU endpoints serve runs.
/// </summary>
public sealed class FunctionBuild
{
    private static readonly string[] SourceExtensions = [".cs", ".csproj", ".props", ".json"];

    private readonly ProjectLayout _layout;
    private readonly TextWriter _output;
    private readonly BuildTarget _target;
    private FunctionSource? _source;

    public FunctionBuild(ProjectLayout layout, TextWriter output)
        : this(layout, output, new BuildTarget(FunctionSource.ProjectFromRoot, OutputFromRoot, "InferenceFunction.dll", ["-p:PublishProfile=ReadyToRun"]))
    {
    }

    private FunctionBuild(ProjectLayout layout, TextWriter output, BuildTarget target)
    {
        _layout = layout;
        _output = output;
        _target = target;
    }

    /// <summary>The server mode, ReadyToRun for this machine's CPU, to <c>.build/server/ready-to-run-{rid}</c>.</summary>
    public static FunctionBuild ForServer(ProjectLayout layout, TextWriter output) =>
        new(layout, output, new BuildTarget("functions/InferenceServer/InferenceServer.csproj", ".build/server/ready-to-run-" + RuntimeIdentifier, "InferenceServer.dll",
            ["-p:PublishReadyToRun=true", "--self-contained", "false"]));

    private static string RuntimeIdentifier => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    /// <summary>The function's output folder from the project root, for a stack's <c>CodeDirectory</c> that serve should run.</summary>
    public static string OutputFromRoot => ".build/function/ready-to-run-" + RuntimeIdentifier;

    public string OutputDirectory => Path.Combine(_layout.RootDirectory, _target.OutputFromRoot);

    public string Assembly => Path.Combine(OutputDirectory, _target.AssemblyFile);

    /// <summary>The function's source; resolved at first use, since a reader of the output folder needs none.</summary>
    private FunctionSource Source => _source ??= FunctionSource.Resolve(_layout);

    /// <summary>
    /// Publishes when stale. Test assemblies run in parallel processes under <c>dotnet test Infra.sln</c> and share this
    /// folder, so the publish holds the lock of <c>.build/function</c>: a second caller waits, then finds the build current.
    /// </summary>
    public void EnsurePublished()
    {
        if (NewerSource(Assembly) is null)
        {
            _output.WriteLine($"build: {_target.OutputFromRoot} is up to date");
            return;
        }

        var builds = Path.GetDirectoryName(OutputDirectory)!;
        Directory.CreateDirectory(builds);
        using var publishLock = FolderLock.Acquire(builds);
        var newer = NewerSource(Assembly);
        if (newer is null)
        {
            _output.WriteLine($"build: {_target.OutputFromRoot} is up to date (another process published it)");
            return;
        }

        _output.WriteLine($"build: publishing {Path.GetFileNameWithoutExtension(_target.ProjectFromRoot)} to {_target.OutputFromRoot} ({(File.Exists(Assembly) ? $"{Path.GetRelativePath(_layout.RootDirectory, newer)} changed" : "first build")})");
        var projectFile = Path.Combine(Source.RootDirectory, _target.ProjectFromRoot);
        if (!File.Exists(projectFile))
        {
            // E.g. the server mode, which the function source shipped in MlServing.Function does not hold.
            throw new ServeException($"{projectFile} does not exist: the function source at {Source.RootDirectory} has no {_target.ProjectFromRoot} to publish");
        }

        var publish = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "publish", projectFile, "-c", "Release" }.Concat(_target.PublishArguments)
            .Concat(["-r", RuntimeIdentifier, "-o", OutputDirectory, "--nologo", "-v", "quiet"]))
        {
            publish.ArgumentList.Add(argument);
        }

        using var process = Process.Start(publish) ?? throw new ServeException("could not start `dotnet publish`");
        process.OutputDataReceived += (_, line) => Forward(line.Data);
        process.ErrorDataReceived += (_, line) => Forward(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new ServeException($"publishing {projectFile} failed with exit code {process.ExitCode} (its output is above)");
        }

        // dotnet publish keeps the timestamps of unchanged outputs: mark this build as newer than its sources.
        File.SetLastWriteTimeUtc(Assembly, DateTime.UtcNow);
    }

    /// <summary>A source newer than <paramref name="target"/>, the target itself when it is missing, or null when it is current.</summary>
    public string? NewerSource(string target)
    {
        if (!File.Exists(target))
        {
            return target;
        }

        var built = File.GetLastWriteTimeUtc(target);
        var sourceRoot = Source.RootDirectory;
        var roots = new[] { Path.Combine(sourceRoot, "functions") };
        var sources = roots.Where(Directory.Exists)
            .SelectMany(root => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            .Where(file => SourceExtensions.Contains(Path.GetExtension(file), StringComparer.Ordinal) && !InBuildOutput(file))
            .Concat(new[] { "Directory.Build.props", "Directory.Packages.props" }.Select(f => Path.Combine(sourceRoot, f)).Where(File.Exists));
        return sources.FirstOrDefault(file => File.GetLastWriteTimeUtc(file) > built);
    }

    private static bool InBuildOutput(string file)
    {
        var separator = Path.DirectorySeparatorChar;
        return file.Contains($"{separator}bin{separator}", StringComparison.Ordinal) || file.Contains($"{separator}obj{separator}", StringComparison.Ordinal);
    }

    private void Forward(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.WriteLine(line);
            }
        }
    }

    /// <param name="ProjectFromRoot">The project, from the function source's root.</param>
    /// <param name="PublishArguments">What makes the publish ReadyToRun.</param>
    private sealed record BuildTarget(string ProjectFromRoot, string OutputFromRoot, string AssemblyFile, IReadOnlyList<string> PublishArguments);
}
