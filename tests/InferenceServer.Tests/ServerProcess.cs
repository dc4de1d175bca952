using System.Diagnostics;
using System.Net;
using System.Text;
using TestModels;

namespace InferenceServer.Tests;

/// <summary>The built server (functions/InferenceServer's output) as a real process, on a port of its own.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Address = new Uri($"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_errors, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public Uri Address { get; }

    public int Pid => _process.Id;

    public string Output => Read(_output);

    public string Errors => Read(_errors);

    public static string AssemblyPath
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(RepositoryFolder.Root, "functions", "InferenceServer", "bin", testOutput.Parent!.Name, testOutput.Name, "InferenceServer.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build functions/InferenceServer first; the test runs its output as a process.", path);
        }
    }

    /// <summary>Starts the server with the test output's models (ppocr-cls and ResNet18) on 127.0.0.1 and a free port.</summary>
    public static ServerProcess Start(params (string Name, string Value)[] environment)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { AssemblyPath, "serve" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["MODEL_DIR"] = Path.Combine(AppContext.BaseDirectory, "models");
        start.Environment["SERVER_BIND_ADDRESS"] = "127.0.0.1";
        start.Environment["SAGEMAKER_BIND_TO_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ORT_INTRA_OP_THREADS"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new ServerProcess(Process.Start(start)!, port);
    }

    /// <summary>Polls /ping until 200; fails with the server's output when it exits or takes over 60 s.</summary>
    public async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_process.HasExited, $"The server exited with {(_process.HasExited ? _process.ExitCode : 0)}.\n{Output}\n{Errors}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"The server was not ready after 60 s.\n{Output}\n{Errors}");
            try
            {
                using var ping = await client.GetAsync("/ping");
                if (ping.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }
    }

    /// <summary>What `docker stop` and SageMaker send first.</summary>
    public void SendSigterm()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The server did not exit within {limit}.\n{Output}\n{Errors}");
        }

        _process.WaitForExit(); // the output's last lines
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }

    private static string Read(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }
}
