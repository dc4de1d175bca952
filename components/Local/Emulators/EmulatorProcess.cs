using System.Diagnostics;
using System.Net.Sockets;
using LambdaEmulator;

namespace Infra.Local.Emulators;

/// <summary>
/// One local stand-in on 127.0.0.1: reused when something already listens on its port (and then left running), otherwise
/// started as a child process and stopped on dispose.
/// </summary>
public sealed class EmulatorProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 40;
    private readonly Process? _process;
    private readonly OutputTail _output = new(KeptOutputLines);

    private EmulatorProcess(string name, int port, Process? process)
    {
        Name = name;
        Port = port;
        _process = process;
    }

    public string Name { get; }

    public int Port { get; }

    /// <summary>True when it was already running and is only used, not owned.</summary>
    public bool Reused => _process is null;

    public string HostAndPort => $"127.0.0.1:{Port}";

    public string HttpEndpoint => $"http://{HostAndPort}";

    /// <param name="start">How to start it when the port is free; the process must listen on 127.0.0.1:<paramref name="port"/>.</param>
    public static async Task<EmulatorProcess> StartOrReuseAsync(string name, int port, Func<ProcessStartInfo> start, TimeSpan startLimit, CancellationToken cancellationToken)
    {
        if (await IsListeningAsync(port, cancellationToken).ConfigureAwait(false))
        {
            return new EmulatorProcess(name, port, null);
        }

        var startInfo = start();
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        var process = new Process { StartInfo = startInfo };
        var emulator = new EmulatorProcess(name, port, process);
        process.OutputDataReceived += (_, line) => emulator._output.Add(line.Data);
        process.ErrorDataReceived += (_, line) => emulator._output.Add(line.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception missing)
        {
            process.Dispose();
            throw new EmulatorException($"{name}: cannot run '{startInfo.FileName}': {missing.Message}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!await IsListeningAsync(port, cancellationToken).ConfigureAwait(false))
        {
            if (process.HasExited || clock.Elapsed > startLimit)
            {
                if (process.HasExited)
                {
                    // With asynchronous reads, this also waits for the last output lines, which explain the exit.
                    await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                }

                var why = process.HasExited ? $"exited with code {process.ExitCode}" : $"did not listen within {startLimit.TotalSeconds:0} s";
                await emulator.DisposeAsync().ConfigureAwait(false);
                throw new EmulatorException($"{name} {why} on 127.0.0.1:{port}. Its last output:\n{emulator.RecentOutput()}");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        return emulator;
    }

    public string RecentOutput() => _output.ToString();

    public async ValueTask DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }

    /// <summary>Whether something accepts connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false; // nothing listens there (yet)
        }
    }

}
