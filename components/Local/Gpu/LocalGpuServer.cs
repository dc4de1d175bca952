using System.Diagnostics;
using System.Globalization;
using System.Net;
using Infra.Local.StackReading;
using LambdaEmulator;

namespace Infra.Local.Gpu;

/// <summary>
/// A <c>GpuInferenceEndpoint</c> locally: the server mode (functions/InferenceServer, serve's published build) as one
/// process on a free loopback port, on the CPU provider whatever the endpoint's environment says. It is started when
/// <c>GET /ping</c> answers 200, as SageMaker waits for a container; a process that exits first, or a ping that never
/// answers 200 within the endpoint's startup health check timeout, stops serve with the exit code's meaning and the
/// process's last lines. Stopping sends SIGTERM, so requests in flight drain (SHUTDOWN_TIMEOUT_SECONDS), then kills.
/// </summary>
public sealed class LocalGpuServer(LocalGpuEndpoint endpoint, TextWriter? output) : ILocalService
{
    /// <summary>The provider every local server runs: there is no GPU here.</summary>
    public const string LocalProvider = "cpu";

    private static readonly TimeSpan PingInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);
    private readonly OutputTail _output = new(40, output);
    private Process? _process;

    public LocalGpuEndpoint Endpoint => endpoint;

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234/</c>; known once started.</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var port = LoopbackPorts.Free();
        var definition = FunctionDefinition.ForPublishedFunction(endpoint.ServerAssembly, endpoint.Environment);
        var start = new ProcessStartInfo(definition.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in definition.Arguments.Append("serve"))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in endpoint.Environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["SAGEMAKER_BIND_TO_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["SERVER_BIND_ADDRESS"] = "127.0.0.1";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => _output.Add(e.Data);
        _process.ErrorDataReceived += (_, e) => _output.Add(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}/");
        await WaitForPingAsync(address, cancellationToken).ConfigureAwait(false);
        Address = address;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            // SIGTERM, as SageMaker stops a container: the server drains its requests in flight and exits 0.
            using (var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
            {
                await (term?.WaitForExitAsync() ?? Task.CompletedTask).ConfigureAwait(false);
            }

            using var grace = new CancellationTokenSource(StopGrace);
            try
            {
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        _process.Dispose();
        _process = null;
    }

    /// <summary>Meaning of the server mode's exit codes (functions/InferenceServer/README.md).</summary>
    public static string ExitMeaning(int code) => code switch
    {
        0 => "stopped",
        1 => "init failed: a model, a model.json, a library variable or INVOCATIONS_MODEL",
        2 => "a server variable is invalid",
        3 => "the address cannot be bound",
        _ => "an unexpected failure",
    };

    private async Task WaitForPingAsync(Uri address, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process!.HasExited)
            {
                await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                throw new ServeException($"{endpoint.Path} (ml:GpuInferenceEndpoint): the server process exited with code {_process.ExitCode} " +
                    $"({ExitMeaning(_process.ExitCode)}) before GET /ping answered 200; its last lines:\n{_output}");
            }

            if (clock.Elapsed > endpoint.StartupTimeout)
            {
                await DisposeAsync().ConfigureAwait(false);
                throw new ServeException($"{endpoint.Path} (ml:GpuInferenceEndpoint): GET /ping did not answer 200 within {endpoint.StartupTimeout.TotalSeconds:0} s " +
                    $"(the endpoint's startup health check timeout; the last answer: {last}); its last lines:\n{_output}");
            }

            try
            {
                using var ping = await client.GetAsync(new Uri("ping", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                if (ping.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)ping.StatusCode} {await ping.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}";
            }
            catch (Exception refused) when (refused is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = refused.Message;
            }

            await Task.Delay(PingInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
