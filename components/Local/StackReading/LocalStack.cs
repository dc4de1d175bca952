using System.Net;
using Infra.Components;

namespace Infra.Local.StackReading;

/// <summary>What <c>serve</c> runs: the stack's APIs and their functions, derived from the components' own settings.</summary>
public sealed record LocalStack(string StackName, IReadOnlyList<LocalApi> Apis)
{
    /// <summary>The batch components that local mode runs (those it was given a <see cref="Batch.LocalBatch"/> for).</summary>
    public IReadOnlyList<LocalBatchFunction> Batches { get; init; } = [];

    /// <summary>The GPU endpoints, each run as a server-mode process; their fronts reach them through <see cref="GpuRuntimePort"/>.</summary>
    public IReadOnlyList<LocalGpuEndpoint> GpuEndpoints { get; init; } = [];

    /// <summary>The loopback port of serve's stand-in for SageMaker's runtime API (the fronts' GPU_ENDPOINT_URL); 0 without GPU endpoints.</summary>
    public int GpuRuntimePort { get; init; }

    /// <summary>The functions that run as Lambda functions (a pool each); a batch component's AWS Batch jobs are not among them.</summary>
    public IEnumerable<LocalFunction> Functions => Apis.SelectMany(api => api.Functions)
        .Concat(Batches.Where(batch => !batch.RunsAsJobs).Select(batch => batch.Function)).DistinctBy(f => f.Path);
}

/// <summary>A batch component: its local pipeline (folders or emulators) and the function the pipeline invokes.</summary>
/// <param name="RunsAsJobs">AWS Batch compute: each input runs as a process of the function's batch-job mode, with
/// <see cref="LocalFunction.TimeoutSeconds"/> the job timeout; otherwise the function runs behind the local Lambda.</param>
public sealed record LocalBatchFunction(Batch.LocalBatch Batch, LocalFunction Function, bool RunsAsJobs = false);

/// <summary>Where serve runs GPU endpoints: the published server mode, and the port of its stand-in for SageMaker's runtime API.</summary>
public sealed record LocalGpuSettings(string ServerAssembly, int RuntimePort);

/// <summary>A GpuInferenceEndpoint as serve runs it: the server mode as a local process.</summary>
/// <param name="EndpointName">The endpoint's name, which its fronts' calls carry.</param>
/// <param name="ServerAssembly">The published server mode (InferenceServer.dll).</param>
/// <param name="Environment">The model container's variables, with INFERENCE_EXECUTION_PROVIDER=cpu.</param>
/// <param name="StartupTimeout">How long GET /ping may take to answer 200 (the endpoint's startup health check timeout).</param>
public sealed record LocalGpuEndpoint(
    string Path,
    string EndpointName,
    string ServerAssembly,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<DroppedVariable> DroppedVariables,
    TimeSpan StartupTimeout);

/// <summary>One function as the local Lambda runs it.</summary>
/// <param name="Path">The component path, e.g. <c>embed</c>: the key of the measurements file.</param>
/// <param name="Executable">The published function: the assembly (dotnet10) or the <c>bootstrap</c> (provided.al2023).</param>
/// <param name="ProvisionedConcurrency">Instances kept warm from the start: the schedule's weekday or weekend peak, 0 without a schedule.</param>
public sealed record LocalFunction(
    string Path,
    string Executable,
    int MemoryMb,
    int TimeoutSeconds,
    int? ReservedConcurrency,
    int ProvisionedConcurrency,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<DroppedVariable> DroppedVariables);

/// <summary>A client of an API and the usage plan of its tier.</summary>
public sealed record LocalClient(string Name, UsagePlanTier Tier);

/// <summary>The WAF rules local mode enforces, from the same <see cref="WafArgs"/>.</summary>
public sealed record LocalWafRules(
    int RateLimitPerIp,
    int RateLimitWindowSeconds,
    int MaxBodyBytes,
    IReadOnlyList<IPNetwork>? Allowlist,
    IReadOnlyList<IPNetwork> Blocklist,
    WafBlockResponse IpBlocked,
    WafBlockResponse IpNotAllowed,
    WafBlockResponse RateLimited,
    WafBlockResponse BodyTooLarge);

/// <summary>One REST API (pattern 1 or 2) with its stage, routes, auth, clients, throttles and WAF.</summary>
/// <param name="Pattern">The component type, e.g. <c>ml:RestInferenceApi</c>.</param>
public sealed record LocalApi(
    string Path,
    string Pattern,
    string ModelName,
    string Stage,
    RestApiAuth Auth,
    IReadOnlyList<ApiRoute> Routes,
    IReadOnlyList<LocalClient> Clients,
    double StageRateLimit,
    int StageBurstLimit,
    IReadOnlyList<string> BinaryMediaTypes,
    LocalWafRules Waf,
    LocalFunction Function)
{
    /// <summary>The path prefix of this API on the local front: <c>/{component path}/{stage}</c>.</summary>
    public string BasePath => $"/{Path}/{Stage}";

    /// <summary>The function of each route that invokes another function than <see cref="Function"/>, by route name (a model router's routes).</summary>
    public IReadOnlyDictionary<string, LocalFunction> RouteFunctions { get; init; } = new Dictionary<string, LocalFunction>();

    /// <summary><see cref="Function"/> and the route functions, each once.</summary>
    public IEnumerable<LocalFunction> Functions => RouteFunctions.Values.Prepend(Function).DistinctBy(f => f.Path);
}
