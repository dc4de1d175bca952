using System.Diagnostics;
using System.Globalization;

namespace LambdaEmulator;

/// <summary>
/// One execution environment: the function started as a separate process with the variables
/// Lambda sets, AWS_LAMBDA_RUNTIME_API first. Its output is kept for diagnostics.
/// </summary>
public sealed class FunctionProcess : IDisposable
{
    private const int KeptOutputLines = 200;
    private readonly Process _process;
    private readonly OutputTail _output;

    private FunctionProcess(Process process, TextWriter? echo)
    {
        _process = process;
        _output = new OutputTail(KeptOutputLines, echo);
    }

    public Task Exited { get; private set; } = Task.CompletedTask;

    public int ExitCode => _process.ExitCode;

    /// <summary>The operating system's id of the process (for its memory use, read from /proc).</summary>
    public int Id => _process.Id;

    public static FunctionProcess Start(FunctionDefinition function, string runtimeApiAddress, TextWriter? echo)
    {
        var startInfo = new ProcessStartInfo(function.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = function.WorkingDirectory ?? "",
        };
        foreach (var argument in function.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var environment = startInfo.Environment;
        environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApiAddress;
        environment["AWS_LAMBDA_FUNCTION_NAME"] = function.FunctionName;
        environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = function.MemoryMb.ToString(CultureInfo.InvariantCulture);
        environment["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        environment["AWS_LAMBDA_LOG_STREAM_NAME"] = "local";
        environment["AWS_REGION"] = environment.TryGetValue("AWS_REGION", out var region) && region is not null ? region : "us-east-1";
        foreach (var (name, value) in function.Environment)
        {
            environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var started = new FunctionProcess(process, echo);
        process.OutputDataReceived += (_, line) => started._output.Add(line.Data);
        process.ErrorDataReceived += (_, line) => started._output.Add(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Asked after the reads begin, so it also waits for the last output lines.
        started.Exited = process.WaitForExitAsync();
        return started;
    }

    /// <summary>The last lines the process wrote to stdout and stderr.</summary>
    public string RecentOutput() => _output.ToString();

    /// <summary>Ends the whole process tree, as Lambda does on a timeout.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has already exited.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

}
