using System.Diagnostics;
using System.Text;

namespace TestModels;

/// <summary>One command a test runs: what ran, where, how it ended, what it printed (both streams) and how long it took.</summary>
public sealed record CommandStep(string Name, string Command, string WorkingDirectory, int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>A limit no step of ours comes near on a loaded CI machine; past it the step is killed.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(15);

    /// <summary>No environment changes beyond removing what the test host set.</summary>
    public static readonly IReadOnlyDictionary<string, string?> NoChanges = new Dictionary<string, string?>();

    public bool Succeeded => ExitCode == 0;

    /// <summary>Fails the test, with the command and its output, unless the command succeeded.</summary>
    public CommandStep AssertSucceeded()
    {
        Xunit.Assert.True(Succeeded, ToString());
        return this;
    }

    public override string ToString() =>
        $"{Name}: `{Command}` in {WorkingDirectory} exited {ExitCode} after {Elapsed.TotalSeconds:F0} s\n{Tail(Output)}";

    /// <summary>
    /// Runs a command to completion with the given environment changes (a null value removes the variable). The
    /// variables MSBuild and the test host set for this process are removed: a nested dotnet must start afresh.
    /// </summary>
    public static CommandStep Run(string name, string fileName, IReadOnlyList<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment, TimeSpan limit)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(IsInherited).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var command = string.Join(' ', new[] { fileName }.Concat(arguments));
        var output = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new CommandStep(name, command, workingDirectory, -1, $"{output}\n(killed after {limit.TotalMinutes:F0} minutes)", watch.Elapsed);
        }

        process.WaitForExit(); // drains the redirected streams
        return new CommandStep(name, command, workingDirectory, process.ExitCode, output.ToString(), watch.Elapsed);
    }

    /// <summary>A step that did not run because an earlier one failed.</summary>
    public static CommandStep NotRun(string name, CommandStep failed) =>
        new(name, "(not run)", "", -1, $"not run: the step '{failed.Name}' failed", TimeSpan.Zero);

    private static bool IsInherited(string key) =>
        key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
        || key.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase);

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Tail(string output) => output.Length <= 6000 ? output : "..." + output[^6000..];
}
