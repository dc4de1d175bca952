using System.Diagnostics;
using System.Text;

namespace Infra.Testing.Node;

/// <summary>Runs a child process to completion, streaming or collecting its output.</summary>
public static class ProcessRunner
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>Runs <paramref name="fileName"/>; when <paramref name="echo"/> is given, both streams go there as they arrive.</summary>
    public static Result Run(string fileName, IEnumerable<string> arguments, string workingDirectory, TextWriter? echo = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var gate = new object();
        process.OutputDataReceived += (_, e) => Collect(stdout, e.Data, echo, gate);
        process.ErrorDataReceived += (_, e) => Collect(stderr, e.Data, echo, gate);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new InvalidOperationException($"cannot start '{fileName}' (is it installed and on PATH?): {error.Message}", error);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    private static void Collect(StringBuilder buffer, string? line, TextWriter? echo, object gate)
    {
        if (line is null) return;
        lock (gate)
        {
            buffer.AppendLine(line);
            echo?.WriteLine(line);
        }
    }
}
