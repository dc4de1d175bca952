using Amazon.S3;
using Inference.Contracts;
using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Objects;
using InferenceFunction.Runtime;

if (args is ["--prepare-models", ..])
{
    // Publish time, not Lambda: write the bundled models' pre-optimised graphs (see the csproj's PrepareBundledModels).
    Inference.Sessions.ModelPreparation.Run(args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "models"), Console.Out);
    return 0;
}

HostSettings settings;
try
{
    settings = HostSettings.FromEnvironment(Environment.GetEnvironmentVariable);
}
catch (InvalidOperationException notInLambda)
{
    // Without the Runtime API address there is nowhere to report an init error.
    await Console.Error.WriteLineAsync(notInLambda.Message);
    return 2;
}

ThreadPoolSettings.EnsureSpareWorkers();
using var client = new RuntimeApiClient(settings.RuntimeApiAddress);
return await new FunctionHost(client, settings.SafetyMargin, Console.Error).RunAsync(CreateHandlerAsync, CancellationToken.None);

static async Task<IInvocationHandler> CreateHandlerAsync(CancellationToken cancellationToken)
{
    // One S3 client per process, created only if a model comes from S3 or an SQS batch arrives.
    var s3 = new Lazy<IAmazonS3>(() => new AmazonS3Client());
    var modelsFromS3 = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(FunctionEnvironment.ModelS3Bucket))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(FunctionEnvironment.ModelRegistryBucket));
    var service = await ServiceInitialization.CreateAsync(Environment.GetEnvironmentVariable, Console.Out, modelsFromS3 ? s3.Value : null,
        cancellationToken: cancellationToken);
    var batch = new Lazy<SqsS3BatchHandler>(() => new SqsS3BatchHandler(
        service, ObjectStores.FromEnvironment(Environment.GetEnvironmentVariable, () => s3.Value), BatchOptions.FromEnvironment(Environment.GetEnvironmentVariable), Console.Error));
    return new EventDispatcher(service, batch);
}
