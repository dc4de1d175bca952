using Infra.Local.Gateway;
using Infra.Local.Lambda;
using Infra.Local.StackReading;
using LambdaEmulator;

namespace Infra.Local;

/// <summary>Where and how a local run serves.</summary>
/// <param name="Port">The front's port on 127.0.0.1; 0 picks a free one (tests).</param>
/// <param name="MeasurementsPath">The measurements file (<c>.build/serve/&lt;stack&gt;/measurements.json</c>); null writes none.</param>
public sealed record ServeSettings(int Port, int MaxInstances, TimeSpan IdleTimeout, string? MeasurementsPath, string? SamplePhotoPath)
{
    public TimeSpan MeasurementsPeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where each function's processes append their output (request, shadow and model-load lines with their EMF
    /// metrics, as CloudWatch Logs would hold them), one <c>&lt;function&gt;.log</c> each; null keeps only the last lines for error reports.
    /// </summary>
    public string? FunctionLogDirectory { get; init; }
}

/// <summary>
/// A running local stack: a function pool per function, the measurements writer and the API front,
/// started together as a list of <see cref="ILocalService"/>s and stopped in reverse order.
/// </summary>
public sealed class LocalServe : IAsyncDisposable
{
    private readonly List<ILocalService> _started = [];

    private LocalServe(LocalStack stack, LocalFront front, IReadOnlyList<LocalRestApi> apis, IReadOnlyDictionary<string, FunctionPool> pools)
    {
        Stack = stack;
        Front = front;
        Apis = apis;
        Pools = pools;
    }

    public LocalStack Stack { get; }

    public LocalFront Front { get; }

    public IReadOnlyList<LocalRestApi> Apis { get; }

    /// <summary>The pool of each function, by component path.</summary>
    public IReadOnlyDictionary<string, FunctionPool> Pools { get; }

    /// <summary>The local API key of each API's clients: API path → client → key.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Keys { get; private init; } = new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>The server process of each GPU endpoint.</summary>
    public IReadOnlyList<Gpu.LocalGpuServer> GpuServers { get; private init; } = [];

    /// <summary>Starts the stack; each function runs as real processes of its published build unless <paramref name="environments"/> says otherwise.</summary>
    public static async Task<LocalServe> StartAsync(
        LocalStack stack,
        ServeSettings settings,
        TextWriter log,
        Func<LocalFunction, CancellationToken, Task<IExecutionEnvironment>>? environments = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(settings);
        var functionLogs = new FunctionLogs(settings.FunctionLogDirectory);
        environments ??= (function, ct) => StartProcessAsync(function, functionLogs.For(function.Path), ct);
        var clock = TimeProvider.System;
        var pools = stack.Functions.ToDictionary(
            function => function.Path,
            function => new FunctionPool(
                function.Path,
                new PoolLimits(function.ReservedConcurrency, settings.MaxInstances, function.ProvisionedConcurrency, settings.IdleTimeout),
                ct => environments(function, ct),
                log),
            StringComparer.Ordinal);
        var keys = stack.Apis.ToDictionary(api => api.Path, LocalApiKeys.Generate, StringComparer.Ordinal);
        var apis = stack.Apis.Select(api => new LocalRestApi(api, keys[api.Path], pools[api.Function.Path], log, clock)
        {
            RouteInvokers = api.RouteFunctions.ToDictionary(r => r.Key, r => (IFunctionInvoker)pools[r.Value.Path], StringComparer.Ordinal),
        }).ToList();
        var front = new LocalFront(apis, settings.Port, settings.SamplePhotoPath);

        // The GPU endpoints' servers first (each is ready when its /ping answers 200), then the runtime their fronts call.
        var gpuServers = stack.GpuEndpoints.Select(endpoint => new Gpu.LocalGpuServer(endpoint, functionLogs.For(endpoint.Path))).ToList();
        var services = new List<ILocalService>(gpuServers);
        if (gpuServers.Count > 0)
        {
            var byName = gpuServers.ToDictionary(s => s.Endpoint.EndpointName, StringComparer.Ordinal);
            services.Add(new Gpu.LocalSageMakerRuntime(stack.GpuRuntimePort, new Gpu.InvokeEndpointRelay(name => byName.GetValueOrDefault(name)?.Address)));
        }

        services.AddRange(pools.Values);
        // After the pools they invoke, so they stop first.
        services.AddRange(stack.Batches.Select(batch => batch.RunsAsJobs
            ? new Batch.BatchPipelineService(batch.Batch, new Batch.BatchJobDelivery(batch.Function, batch.Batch.Objects.InputBucket, functionLogs.For(batch.Function.Path)), log)
            : new Batch.BatchPipelineService(batch.Batch, pools[batch.Function.Path], log)));
        if (settings.MeasurementsPath is { } measurements)
        {
            var byFunction = pools.ToDictionary(p => p.Key, p => p.Value.Measurements, StringComparer.Ordinal);
            services.Add(new MeasurementsWriter(new MeasurementsFile(measurements), byFunction, settings.MeasurementsPeriod, clock));
        }

        services.Add(front);
        services.Insert(0, functionLogs); // first started, last stopped: the processes write until they end
        var serve = new LocalServe(stack, front, apis, pools)
        {
            Keys = keys.ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal),
            GpuServers = gpuServers,
        };
        try
        {
            foreach (var service in services)
            {
                // Listed before it starts, so that a part-started service (a failed warm-up) is stopped too.
                serve._started.Add(service);
                await service.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await serve.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return serve;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].DisposeAsync().ConfigureAwait(false);
        }

        _started.Clear();
    }

    private static Task<IExecutionEnvironment> StartProcessAsync(LocalFunction function, TextWriter? output, CancellationToken cancellationToken)
    {
        var definition = FunctionDefinition.ForPublishedFunction(function.Executable, function.Environment, TimeSpan.FromSeconds(function.TimeoutSeconds)) with
        {
            MemoryMb = function.MemoryMb,
            FunctionName = function.Path.Replace('/', '-'),
        };
        return EmulatedEnvironment.StartAsync(definition, cancellationToken, output);
    }
}
