using Amazon.S3;
using Inference.Hosting;
using InferenceFunction.Events;
using InferenceFunction.Runtime;

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

using var http = new HttpClient();
var client = new RuntimeApiClient(http, settings.RuntimeApiAddress);
return await new FunctionHost(client, settings.SafetyMargin, Console.Error).RunAsync(CreateHandlerAsync, CancellationToken.None);

static Task<IInvocationHandler> CreateHandlerAsync(CancellationToken cancellationToken)
{
    IInferenceService service = CreateService();
    var batch = new Lazy<SqsS3BatchHandler>(() => new SqsS3BatchHandler(
        service, new AmazonS3Client(), BatchOptions.FromEnvironment(Environment.GetEnvironmentVariable), Console.Error));
    return Task.FromResult<IInvocationHandler>(new EventDispatcher(service, batch));
}

static IInferenceService CreateService() =>
    throw new FunctionException("InferenceServiceNotWired", "TEMPORARY: waiting for the inference library's factory.");
