using System.Diagnostics;

namespace Infra.Preview;

/// <summary>Renders DOT to SVG or PNG with Graphviz's <c>dot</c> command.</summary>
public static class Graphviz
{
    public const string Command = "dot";

    /// <summary>Whether <c>dot</c> is on the PATH.</summary>
    public static bool IsInstalled() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, Command)));

    /// <summary>The output format for a file name: svg or png; anything else is an error naming the file.</summary>
    public static string FormatFor(string outputFile)
    {
        ArgumentNullException.ThrowIfNull(outputFile);
        return Path.GetExtension(outputFile).ToLowerInvariant() switch
        {
            ".svg" => "svg",
            ".png" => "png",
            var other => throw new ArgumentException($"--diagram '{outputFile}': the file must end in .svg or .png, not '{other}'"),
        };
    }

    /// <summary>Runs <c>dot</c> on the graph and writes the image; throws with dot's own message when it fails.</summary>
    public static void Render(string dotSource, string outputFile)
    {
        var format = FormatFor(outputFile);
        if (!IsInstalled())
        {
            throw new InvalidOperationException("the diagram needs Graphviz's `dot` command, which is not on the PATH: install it (Debian/Ubuntu: apt-get install graphviz)");
        }

        var start = new ProcessStartInfo(Command) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-T" + format);
        start.ArgumentList.Add("-o");
        start.ArgumentList.Add(outputFile);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start `{Command}`");
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(dotSource);
        process.StandardInput.Close();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{Command} -T{format}` failed with exit code {process.ExitCode}: {errors.Result.Trim()}");
        }
    }
}
