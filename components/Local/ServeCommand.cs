using System.Runtime.InteropServices;
using Infra.Configuration;
using Infra.Hosting;
using Infra.Local.StackReading;

namespace Infra.Local;

/// <summary>
/// <c>serve</c>: builds the function when stale, derives the local model of the stack from its
/// components, and runs it on this machine (function processes behind the Runtime API emulator,
/// a local API Gateway front with WAF-like rules) until Ctrl+C.
/// </summary>
public sealed class ServeCommand : IHostCommand
{
    public string Name => "serve";

    public string Summary => "run the stack's APIs and functions locally (real function processes behind a local API Gateway) until Ctrl+C";

    public string Usage => "serve [--stack NAME] [--port N] [--max-instances N] [--idle-timeout SECONDS] [--emulators]";

    public IReadOnlyCollection<string> Options { get; } = ["stack", "port", "max-instances", "idle-timeout", "emulators"];

    public int Run(HostInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        try
        {
            return RunAsync(invocation).GetAwaiter().GetResult();
        }
        catch (ServeException error)
        {
            invocation.Error.WriteLine($"error: serve: {error.Message}");
            return ExitCodes.Failed;
        }
    }

    private static async Task<int> RunAsync(HostInvocation invocation)
    {
        var options = ServeOptions.Parse(invocation.CommandLine);
        var layout = invocation.Stacks.Layout;
        var build = new FunctionBuild(layout, invocation.Error);
        build.EnsurePublished();

        // The same synthesis as `synth`: bad config stops serve exactly as it stops a deployment.
        var (stack, _) = invocation.Stacks.Synthesize(options.Stack);
        ConfigValues config = invocation.Stacks.ConfigValuesOf(options.Stack);
        var serveRoot = Path.Combine(layout.RootDirectory, ".build", "serve", stack.StackName);
        await using var emulators = options.Emulators
            ? await StartEmulatorsAsync(Path.Combine(layout.RootDirectory, ".build", "emulators"), invocation.Out).ConfigureAwait(false)
            : null;
        var batches = await LocalBindings.BatchesAsync(stack, serveRoot, emulators, CancellationToken.None).ConfigureAwait(false);
        var apiBindings = await LocalBindings.ApiBindingsAsync(stack, emulators, CancellationToken.None).ConfigureAwait(false);
        LocalGpuSettings? gpu = null;
        if (stack.Components.OfType<Infra.Components.GpuInferenceEndpoint>().Any())
        {
            // The GPU endpoints run the server mode locally, on the CPU provider.
            var server = FunctionBuild.ForServer(layout, invocation.Error);
            server.EnsurePublished();
            gpu = new LocalGpuSettings(server.Assembly, LoopbackPorts.Free());
        }

        var model = new LocalStackReader(new ConfigResolver(stack.ProjectName, config), build.OutputDirectory, batches, apiBindings, gpu).Read(stack);
        if (model.Apis.Count == 0 && model.Batches.Count == 0)
        {
            throw new ServeException($"stack '{stack.StackName}' has no RestInferenceApi, ContainerInferenceApi or BatchInference to serve");
        }

        var settings = new ServeSettings(
            options.Port,
            options.MaxInstances,
            options.IdleTimeout,
            Path.Combine(serveRoot, "measurements.json"),
            new SamplePhoto(layout, invocation.Error).Ensure())
        {
            FunctionLogDirectory = Path.Combine(serveRoot, "logs"),
        };

        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            var log = TextWriter.Synchronized(invocation.Out);
            await using var serve = await StartAsync(model, settings, log, options.Port).ConfigureAwait(false);
            StartupReport.Write(log, serve, settings);
            await log.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            log.WriteLine("serve: stopping");
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        return ExitCodes.Success;
    }

    private static async Task<Emulators.EmulatorSet> StartEmulatorsAsync(string toolsFolder, TextWriter log)
    {
        try
        {
            return await Emulators.EmulatorSet.StartAsync(toolsFolder, new Emulators.EmulatorPorts(), log, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Emulators.EmulatorException error)
        {
            throw new ServeException($"--emulators: {error.Message}");
        }
    }

    private static async Task<LocalServe> StartAsync(LocalStack model, ServeSettings settings, TextWriter log, int port)
    {
        try
        {
            return await LocalServe.StartAsync(model, settings, log).ConfigureAwait(false);
        }
        catch (IOException error) when (error.InnerException is System.Net.Sockets.SocketException or null)
        {
            throw new ServeException($"cannot listen on 127.0.0.1:{port} ({error.Message}): pick another with --port");
        }
    }
}
