using Amazon.DynamoDBv2;
using Inference.Contracts;
using Inference.Predictions;
using Inference.Service;
using Inference.Telemetry;

namespace Inference.GpuEndpoint;

/// <summary>Builds the front's service for a GPU endpoint, with the function's predictions log and telemetry.</summary>
public static class GpuFrontFactory
{
    /// <summary>The variables that give the function a model of its own, which a front for a GPU endpoint does not load.</summary>
    private static readonly string[] OwnModelVariables =
        [FunctionEnvironment.ModelDirectory, FunctionEnvironment.ModelVersion, FunctionEnvironment.ModelS3Bucket, FunctionEnvironment.ModelS3Key];

    /// <param name="variant">The traffic-split variant the endpoint answers for (a metric dimension); null without a split.</param>
    public static SageMakerEndpointService Create(GpuEndpointOptions gpu, InferenceOptions options, TextWriter output, IAmazonDynamoDB? dynamoDb,
        HttpClient http, string? variant)
    {
        ArgumentNullException.ThrowIfNull(options);
        var recorder = PredictionRecorder.Create(options.PredictionLog, () => dynamoDb ?? new AmazonDynamoDBClient(), TimeProvider.System, Random.Shared.NextDouble);
        return new SageMakerEndpointService(gpu, http, SageMakerEndpointService.DefaultCredentials(),
            new TelemetryWriter(output, options.MetricsNamespace) { Variant = variant }, recorder, RetryTiming.System);
    }

    /// <summary>A front with a model of its own would serve it instead of the endpoint: a configuration mistake, said at init.</summary>
    public static void CheckNoOwnModel(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var values = new EnvironmentValues(environment);
        if (OwnModelVariables.FirstOrDefault(name => values.Get(name) is not null) is { } set)
        {
            throw new InvalidOperationException(
                $"{set} is '{values.Get(set)}' but {FunctionEnvironment.GpuEndpointName} makes the function a front for that endpoint; allowed: {set} unset (the model is served by the endpoint).");
        }
    }
}
