using Amazon.S3;
using Inference.Contracts;
using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Jobs;
using InferenceFunction.Objects;
using InferenceFunction.Runtime;

if (args is ["--prepare-models", ..])
{
    // Publish time, not Lambda: write the bundled models' pre-optimised graphs (see the csproj's PrepareBundledModels).
    Inference.Sessions.ModelPreparation.Run(args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "models"), Console.Out);
    return 0;
}

if (BatchJobInputOf(args) is { } jobInput)
{
    return await RunBatchJobAsync(jobInput);
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
    var asyncBatch = Environment.GetEnvironmentVariable(FunctionEnvironment.AsyncEndpointName) is { Length: > 0 }
        ? new Lazy<AsyncEndpointBatchHandler>(() => AsyncEndpointBatchHandlers.FromEnvironment(Environment.GetEnvironmentVariable, () => s3.Value, Console.Error))
        : null;
    return new EventDispatcher(service, batch, asyncBatch);
}

// The Lambda base image's entrypoint takes exactly one argument, exports it as _HANDLER and starts bootstrap without
// it (AWS Batch cannot replace a container's entrypoint): the job definition's one-argument command arrives there.
static string? BatchJobInputOf(string[] args) => args switch
{
    ["--batch-job", var input] => input,
    _ when Environment.GetEnvironmentVariable(FunctionEnvironment.BatchJobMode) != "1" => null,
    [var input] => input,
    _ => Environment.GetEnvironmentVariable("_HANDLER"),
};

static async Task<int> RunBatchJobAsync(string text)
{
    ThreadPoolSettings.EnsureSpareWorkers();
    var jobId = Environment.GetEnvironmentVariable("AWS_BATCH_JOB_ID") ?? $"local-{Guid.NewGuid():N}";
    try
    {
        var input = BatchJobInput.Parse(text);
        var s3 = new Lazy<IAmazonS3>(() => new AmazonS3Client());
        var modelsFromS3 = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(FunctionEnvironment.ModelS3Bucket))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(FunctionEnvironment.ModelRegistryBucket));
        var service = await ServiceInitialization.CreateAsync(Environment.GetEnvironmentVariable, Console.Out, modelsFromS3 ? s3.Value : null);
        var objects = ObjectStores.FromEnvironment(Environment.GetEnvironmentVariable, () => s3.Value);
        var handler = new SqsS3BatchHandler(service, objects, BatchOptions.FromEnvironment(Environment.GetEnvironmentVariable), Console.Error);
        var job = new BatchJob(handler, objects, DeadLetterQueues.FromEnvironment(Environment.GetEnvironmentVariable),
            BatchJobOptions.FromEnvironment(Environment.GetEnvironmentVariable), Console.Error);
        return await job.RunAsync(input, jobId, CancellationToken.None);
    }
    catch (Exception failure) when (failure is not OutOfMemoryException)
    {
        // Nothing was recorded for the inputs not reached: a non-zero exit lets Batch retry, then dead-letter, the job.
        await Console.Error.WriteLineAsync($"batch job {jobId}: {failure.GetType().Name}: {failure.Message}");
        return 1;
    }
}
