using Amazon.DynamoDBv2;
using Amazon.S3;
using Inference.Contracts;
using Inference.GpuEndpoint;
using Inference.Service;
using Inference.Telemetry;

namespace Inference.Variants;

/// <summary>
/// Builds the services of a traffic split (<c>TRAFFIC_SPLIT</c>), for <see cref="FunctionComposition"/>: one service per
/// variant (each with its own models, cache and metric dimension <c>Variant</c>) behind a <see cref="VariantRouter"/>.
/// A variant's service reads the same variables as the function, except its model source: <c>modelVersion</c> replaces
/// MODEL_VERSION (same registry bucket and model name), <c>modelDir</c> replaces the whole source with a folder
/// (relative to the function's directory, or absolute).
/// </summary>
public static class VariantServiceFactory
{
    private static readonly string[] ModelSourceVariables = [FunctionEnvironment.ModelRegistryBucket, FunctionEnvironment.ModelVersion, FunctionEnvironment.ModelS3Bucket, FunctionEnvironment.ModelS3Key, FunctionEnvironment.ModelS3Version];

    /// <param name="http">The client HTTP backends are called with; one per process is created when null.</param>
    /// <param name="random">Draws the variant of a request without a sticky key, and whether it is shadowed; uniform in [0, 1).</param>
    /// <param name="gpu">With a GPU endpoint (GPU_ENDPOINT_NAME), the variant without a source is that endpoint instead of a model in the function.</param>
    public static async Task<VariantRouter> CreateAsync(TrafficSplit split, Func<string, string?> environment, TextWriter output, IAmazonS3? s3,
        IAmazonDynamoDB? dynamoDb, HttpClient? http, Func<double>? random, CancellationToken cancellationToken, GpuEndpointOptions? gpu = null)
    {
        var baseOptions = InferenceOptions.FromEnvironment(environment, Environment.ProcessorCount);
        CheckSources(split, baseOptions);
        var telemetry = new TelemetryWriter(output, baseOptions.MetricsNamespace);
        var variants = new List<ModelVariant>();
        try
        {
            foreach (var spec in split.Variants)
            {
                variants.Add(new ModelVariant(spec, spec.Source == VariantSource.HttpBackend
                    ? new HttpBackendService(spec, http ??= BackendClient(), new TelemetryWriter(output, baseOptions.MetricsNamespace) { Variant = spec.Name })
                    : spec.Source == VariantSource.Primary && gpu is not null
                    ? GpuFrontFactory.Create(gpu, baseOptions, output, dynamoDb, http ??= BackendClient(), spec.Name)
                    : await InferenceServiceFactory.CreateAsync(OptionsOf(spec, environment), output, s3, dynamoDb, variant: spec.Name,
                        cancellationToken: cancellationToken).ConfigureAwait(false)));
            }
        }
        catch
        {
            variants.ForEach(v => v.Dispose());
            throw;
        }

        return new VariantRouter(split, variants, telemetry, random ?? Random.Shared.NextDouble);
    }

    private static void CheckSources(TrafficSplit split, InferenceOptions options)
    {
        foreach (var spec in split.Variants.Where(v => v.Source == VariantSource.RegistryVersion))
        {
            if (options.Registry is not { } registry)
            {
                throw new InvalidOperationException(
                    $"{TrafficSplit.VariableName} variant '{spec.Name}' has modelVersion '{spec.ModelVersion}' but MODEL_REGISTRY_BUCKET is not set; allowed: registry versions only with the registry (or modelDir for a bundled folder).");
            }

            if (registry.Version == spec.ModelVersion && split.Variants.Any(v => v.Source == VariantSource.Primary))
            {
                throw new InvalidOperationException(
                    $"{TrafficSplit.VariableName} variant '{spec.Name}' has modelVersion '{spec.ModelVersion}', the version MODEL_VERSION already serves; allowed: a version distinct from every other variant's.");
            }
        }
    }

    private static InferenceOptions OptionsOf(VariantSpec spec, Func<string, string?> environment)
    {
        Func<string, string?> variables = spec.Source switch
        {
            VariantSource.RegistryVersion => name => name == FunctionEnvironment.ModelVersion ? spec.ModelVersion : environment(name),
            VariantSource.ModelDirectory => name => name == FunctionEnvironment.ModelDirectory ? Path.Combine(AppContext.BaseDirectory, spec.ModelDirectory!)
                : ModelSourceVariables.Contains(name) ? null : environment(name),
            _ => environment,
        };
        try
        {
            return InferenceOptions.FromEnvironment(variables, Environment.ProcessorCount);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{TrafficSplit.VariableName} variant '{spec.Name}': {ex.Message}", ex);
        }
    }

    /// <summary>One pooled client for every backend; each call sets its own time limit, so the client's is off.</summary>
    internal static HttpClient BackendClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
