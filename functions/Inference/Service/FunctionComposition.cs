using Amazon.DynamoDBv2;
using Amazon.S3;
using Inference.Contracts;
using Inference.Ensembles;
using Inference.GpuEndpoint;
using Inference.Routing;
using Inference.Variants;

namespace Inference.Service;

/// <summary>
/// The function's composition root, awaited once per process: the model service (<see cref="InferenceServiceFactory"/>),
/// or with <c>TRAFFIC_SPLIT</c> one per variant behind a <see cref="VariantRouter"/> (<see cref="VariantServiceFactory"/>);
/// with <c>GPU_ENDPOINT_NAME</c> the function is a front for that SageMaker endpoint (<see cref="SageMakerEndpointService"/>),
/// alone or as the split's variant without a source; then, for the plain model service, the ensembles and the request-type router in front of it (<see cref="ServiceComposition"/>).
/// </summary>
public static class FunctionComposition
{
    /// <param name="environment">Reads a variable (documented in functions/README.md).</param>
    /// <param name="output">Where log and metric lines go.</param>
    /// <param name="s3">The S3 client of the model sources; a default client is created when needed and null.</param>
    /// <param name="dynamoDb">The DynamoDB client of the predictions log and cache; likewise.</param>
    /// <param name="http">The client a traffic split's HTTP backends are called with; one per process is created when needed and null.</param>
    /// <param name="random">Draws a traffic split's variant and shadowing, uniform in [0, 1); <see cref="Random.Shared"/> when null.</param>
    public static async Task<IInferenceService> CreateAsync(Func<string, string?> environment, TextWriter output, IAmazonS3? s3 = null,
        IAmazonDynamoDB? dynamoDb = null, HttpClient? http = null, Func<double>? random = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(output);
        var gpu = GpuEndpointOptions.FromEnvironment(environment);
        if (gpu is not null)
        {
            GpuFrontFactory.CheckNoOwnModel(environment);
        }

        if (new EnvironmentValues(environment).Get(TrafficSplit.VariableName) is { } split)
        {
            var variants = await VariantServiceFactory.CreateAsync(TrafficSplit.Parse(split), environment, output, s3, dynamoDb, http, random,
                cancellationToken, gpu).ConfigureAwait(false);
            if (ServiceComposition.IsConfigured(environment))
            {
                variants.Dispose();
                throw new InvalidOperationException(
                    $"{EnsemblesVariable.Variable} and {RouterVariable.Variable} are for a function that serves its models itself; allowed: neither of them together with TRAFFIC_SPLIT.");
            }

            return variants;
        }

        if (gpu is not null)
        {
            if (ServiceComposition.IsConfigured(environment))
            {
                throw new InvalidOperationException(
                    $"{EnsemblesVariable.Variable} and {RouterVariable.Variable} are for a function that serves its models itself; allowed: neither of them together with {FunctionEnvironment.GpuEndpointName}.");
            }

            return GpuFrontFactory.Create(gpu, InferenceOptions.FromEnvironment(environment, Environment.ProcessorCount), output, dynamoDb,
                http ?? VariantServiceFactory.BackendClient(), variant: null);
        }

        var models = await InferenceServiceFactory.FromEnvironmentAsync(environment, output, s3, dynamoDb, cancellationToken).ConfigureAwait(false);
        try
        {
            return ServiceComposition.Compose(models, models.Models.Definitions, environment, output);
        }
        catch
        {
            models.Dispose();
            throw;
        }
    }
}
