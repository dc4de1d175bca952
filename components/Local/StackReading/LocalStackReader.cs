using System.Net;
using Infra.Aws.Lambda;
using Infra.Components;
using Infra.Core;

namespace Infra.Local.StackReading;

/// <summary>
/// Derives the local model from a synthesized stack: every REST and container inference API with
/// the settings its components were built from, so that local mode and the deployed program
/// share one source of truth.
/// </summary>
/// <param name="publishedFunction">The folder of serve's published function (<see cref="FunctionBuild.OutputDirectory"/>); the container pattern runs it too.</param>
/// <param name="batches">The local pipeline of each batch component to run, by component path; the others are not run.</param>
/// <param name="apiBindings">Variables that replace (or add to) an API function's, by component path: the emulators' resources.</param>
/// <param name="gpu">Where the GPU endpoints run locally; null leaves them out.</param>
public sealed class LocalStackReader(ConfigResolver resolver, string publishedFunction, IReadOnlyDictionary<string, Batch.LocalBatch>? batches = null,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? apiBindings = null, LocalGpuSettings? gpu = null)
{
    /// <summary>The placeholder credentials a GPU front signs its local calls with (the local runtime checks only that a signature is there).</summary>
    public static readonly IReadOnlyDictionary<string, string> LocalCredentials = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS_ACCESS_KEY_ID"] = "local",
        ["AWS_SECRET_ACCESS_KEY"] = "local",
    };

    public LocalStack Read(Stack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var apis = new List<LocalApi>();
        var batchFunctions = new List<LocalBatchFunction>();
        var gpuEndpoints = new List<LocalGpuEndpoint>();
        foreach (var component in stack.Components)
        {
            switch (component)
            {
                case GpuInferenceEndpoint endpoint when gpu is not null:
                    gpuEndpoints.Add(ReadGpuEndpoint(endpoint, gpu));
                    break;
                case BatchInference { Function: { } function } batch when batches?.GetValueOrDefault(batch.Path) is { } local:
                    batchFunctions.Add(new LocalBatchFunction(local, ReadFunction(batch.Path, function, local.FunctionVariables)));
                    break;
                case BatchInference { Jobs: { } jobs } batch when batches?.GetValueOrDefault(batch.Path) is { } local:
                    batchFunctions.Add(new LocalBatchFunction(local, ReadJob(batch, jobs, local), RunsAsJobs: true));
                    break;
                case IInferenceApi api:
                    // No Docker here: the container pattern runs the same published function as the zip pattern.
                    apis.Add(ReadApi(component, api.ModelName, api.Api, api.Waf, ReadFunction(api.Path, api.Function, WithGpuBackend(component, apiBindings?.GetValueOrDefault(api.Path)))));
                    break;
                case ModelRouterApi router:
                    apis.Add(ReadRouter(router));
                    break;
            }
        }

        return new LocalStack(stack.StackName, apis)
        {
            Batches = batchFunctions,
            GpuEndpoints = gpuEndpoints,
            GpuRuntimePort = gpuEndpoints.Count > 0 ? gpu!.RuntimePort : 0,
        };
    }

    /// <summary>
    /// The server mode of a GPU endpoint: the model container's variables exactly as the program sets them, except the
    /// provider, which is the CPU's here.
    /// </summary>
    private LocalGpuEndpoint ReadGpuEndpoint(GpuInferenceEndpoint endpoint, LocalGpuSettings settings)
    {
        var variables = ((Aws.SageMaker.ModelArgs)endpoint.Model.Args).PrimaryContainer?.Environment;
        var (environment, dropped) = new LocalEnvironment(resolver).Resolve(variables ?? [],
            new Dictionary<string, string> { [GpuInferenceEndpoint.ExecutionProviderVariable] = Gpu.LocalGpuServer.LocalProvider });
        return new LocalGpuEndpoint(endpoint.Path, endpoint.PhysicalEndpointName, settings.ServerAssembly, environment, dropped, endpoint.Settings.StartupHealthCheckTimeout);
    }

    /// <summary>A front of a GPU endpoint of this stack calls it through the local runtime, signing with placeholder credentials.</summary>
    private IReadOnlyDictionary<string, string>? WithGpuBackend(ComponentResource component, IReadOnlyDictionary<string, string>? bindings)
    {
        if (gpu is null || component is not ContainerInferenceApi { GpuBackend.Endpoint: GpuInferenceEndpoint endpoint })
        {
            return bindings;
        }

        var bound = new Dictionary<string, string>(bindings ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [Inference.Contracts.FunctionEnvironment.GpuEndpointName] = endpoint.PhysicalEndpointName,
            [Inference.Contracts.FunctionEnvironment.GpuEndpointUrl] = Gpu.LocalSageMakerRuntime.UrlOf(gpu.RuntimePort).ToString(),
        };
        foreach (var (name, value) in LocalCredentials)
        {
            bound.TryAdd(name, value);
        }

        return bound;
    }

    /// <summary>A model router: one API whose routes go to several functions, each run as its own pool, keyed by its component path.</summary>
    private LocalApi ReadRouter(ModelRouterApi router)
    {
        var functions = router.Functions.Values.ToDictionary(f => f, f => ReadFunction(f.Path, f));
        var routes = router.Api.Settings.Routes;
        var sample = routes.FirstOrDefault(r => r.Path.EndsWith("/predict", StringComparison.Ordinal)) ?? routes.First(r => r.Path.EndsWith("/infer", StringComparison.Ordinal));
        return ReadApi(router, sample.Path.Split('/')[^2], router.Api, router.Waf, functions[router.RouteFunctions[routes[0].Name]]) with
        {
            RouteFunctions = router.RouteFunctions.ToDictionary(r => r.Key, r => functions[r.Value], StringComparer.Ordinal),
        };
    }

    private LocalApi ReadApi(ComponentResource component, string modelName, RestApiEndpoint api, Waf waf, LocalFunction function)
    {
        var settings = api.Settings;
        var tiers = settings.Tiers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        return new LocalApi(
            component.Path,
            component.ComponentType,
            modelName,
            settings.StageName,
            settings.Auth,
            settings.Routes,
            [.. settings.Clients.Select(c => new LocalClient(c.Name, tiers[c.Tier]))],
            settings.ThrottleRateLimit,
            settings.ThrottleBurstLimit,
            settings.BinaryMediaTypes,
            ReadWaf(waf),
            function);
    }

    private LocalFunction ReadFunction(string path, InferenceFunction function, IReadOnlyDictionary<string, string>? bindings = null)
    {
        var settings = function.Settings;
        var folder = settings.Code?.LocalPath ?? publishedFunction;
        var executable = settings.ImageUri is null && settings.Runtime == LambdaRuntime.ProvidedAl2023
            ? System.IO.Path.Combine(folder, "bootstrap")
            : System.IO.Path.Combine(folder, settings.Handler + ".dll");

        // The variables of the synthesized aws:lambda:Function, exactly as the program sets them.
        var variables = ((FunctionArgs)function.Function.Args).Environment?.Variables;
        var (environment, dropped) = new LocalEnvironment(resolver).Resolve(variables ?? [], bindings);
        return new LocalFunction(
            path,
            executable,
            (int)settings.Memory.Mebibytes,
            (int)settings.Timeout.TotalSeconds,
            settings.ReservedConcurrency,
            ProvisionedPeak(settings.ProvisionedConcurrency),
            environment,
            dropped);
    }

    /// <summary>
    /// A batch component on AWS Batch compute: the image's function is serve's published build (no Docker here), run
    /// with the job definition's variables bound to the batch folders. Locally each job tries its input once
    /// (<c>BATCH_JOB_ATTEMPTS=1</c>) and has no dead-letter queue, so a failed job fails and the pipeline's
    /// MaxReceiveCount deliveries and dead-letter folder apply, as on the Lambda path.
    /// </summary>
    private LocalFunction ReadJob(BatchInference batch, AwsBatchJobs jobs, Batch.LocalBatch local)
    {
        var bindings = new Dictionary<string, string>(local.FunctionVariables, StringComparer.Ordinal)
        {
            [Inference.Contracts.FunctionEnvironment.BatchJobAttempts] = "1",
        };
        var (environment, dropped) = new LocalEnvironment(resolver).Resolve(jobs.Environment, bindings);
        return new LocalFunction(
            batch.Path,
            System.IO.Path.Combine(publishedFunction, "InferenceFunction.dll"),
            (int)jobs.Compute.Memory.Mebibytes,
            (int)Math.Min(int.MaxValue, jobs.Compute.JobTimeout.TotalSeconds),
            ReservedConcurrency: null,
            ProvisionedConcurrency: 0,
            environment,
            dropped);
    }

    private static int ProvisionedPeak(ProvisionedConcurrencyScheduleArgs? schedule) =>
        schedule is null ? 0 : Math.Max(schedule.Floor, Math.Max(schedule.Weekdays.PeakMinimum, schedule.Weekends?.PeakMinimum ?? 0));

    private LocalWafRules ReadWaf(Waf waf)
    {
        var settings = waf.Settings;
        return new LocalWafRules(
            settings.RateLimitPerIp,
            (int)settings.RateLimitWindow.TotalSeconds,
            (int)settings.MaxBody.Bytes,
            settings.Allowlist is { } allowed ? Networks(waf.Path, "Allowlist", allowed) : null,
            settings.Blocklist is { } blocked ? Networks(waf.Path, "Blocklist", blocked) : [],
            WafBlockResponse.IpBlocked,
            WafBlockResponse.IpNotAllowed,
            WafBlockResponse.RateLimited(settings),
            WafBlockResponse.BodyTooLarge(settings));
    }

    private List<IPNetwork> Networks(string component, string key, IpAddressList list)
    {
        var networks = new List<IPNetwork>();
        foreach (var (item, index, family) in list.Ipv4.Select((item, i) => (item, i, "Ipv4")).Concat(list.Ipv6.Select((item, i) => (item, i, "Ipv6"))))
        {
            var (value, unresolved) = resolver.Resolve(item);
            if (value is null || !IPNetwork.TryParse(value, out var network))
            {
                throw new ServeException($"{component}: {key}.{family}[{index}] has no local value ({unresolved ?? $"'{value}' is not a CIDR block"}); serve needs every allowlist and blocklist entry as a literal or a config value");
            }

            networks.Add(network);
        }

        return networks;
    }
}
