using System.Diagnostics;
using System.Text;

namespace ServeLoad;

/// <summary>
/// <c>serve</c> of the load stack as a child process (this tool, run with the <c>serve</c> verb), so that its
/// memory, descriptors and threads are its own and not the load generator's.
/// </summary>
internal sealed partial class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServeProcess(Process process, Uri predictUrl, string apiKey)
    {
        _process = process;
        PredictUrl = predictUrl;
        ApiKey = apiKey;
    }

    public int Pid => _process.Id;

    public Uri PredictUrl { get; }

    public string ApiKey { get; }

    public static async Task<ServeProcess> StartAsync(int port, TextWriter progress)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ServeProcess).Assembly.Location);
        }

        foreach (var argument in new[] { "serve", "--stack", LoadStack.Name, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start serve");
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ServeProcess? started = null;
        void Receive(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                if (started is null)
                {
                    output.AppendLine(line);
                }
                else
                {
                    started.Keep(line);
                }
            }

            if (line.Contains("Ctrl+C stops serve", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => Receive(e.Data);
        process.ErrorDataReceived += (_, e) => Receive(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // The first start publishes the function (FunctionBuild.OutputFromRoot), which takes a minute or two on 2 busy cores.
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromMinutes(5))).ConfigureAwait(false) != ready.Task)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"serve did not become ready (exit code {(process.HasExited ? process.ExitCode : "none, killed after 5 min")}):\n{output}");
        }

        string report;
        lock (output)
        {
            report = output.ToString();
        }

        var url = UrlLine().Match(report);
        var key = KeyLine().Match(report);
        if (!url.Success || !key.Success)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"serve's start-up report has no URL or API key:\n{report}");
        }

        await progress.WriteLineAsync($"serve (pid {process.Id}) is ready: {url.Groups[1].Value}").ConfigureAwait(false);
        lock (output)
        {
            started = new ServeProcess(process, new Uri($"{url.Groups[1].Value}/v2/models/{LoadStack.ModelName}/predict"), key.Groups[1].Value);
            return started;
        }
    }

    /// <summary>The last lines serve wrote, for a failure message.</summary>
    public string RecentOutput()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    /// <summary>Stops serve as Ctrl+C would (SIGTERM), so it stops its function processes; kills the tree if it hangs.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync().ConfigureAwait(false);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Keep(string line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > 64 * 1024)
            {
                _output.Remove(0, _output.Length - 32 * 1024);
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s+URL\s+(\S+)", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex UrlLine();

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s+API key\s+(\S+)", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex KeyLine();
}
