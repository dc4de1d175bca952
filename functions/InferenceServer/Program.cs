using Amazon.S3;
using Inference.Contracts;
using Inference.Service;
using InferenceServer;

// The server mode (README.md in this folder). Exit codes: 0 stopped (SIGTERM, requests drained); 1 init failed (a model,
// model.json or library variable, or INVOCATIONS_MODEL); 2 a server variable is invalid; 3 the address cannot be bound.
if (args is ["--prepare-models", ..])
{
    // As the Lambda host: write the bundled models' pre-optimised graphs at image build time.
    Inference.Sessions.ModelPreparation.Run(args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "models"), Console.Out);
    return 0;
}

// SageMaker starts the container as `docker run IMAGE serve`; any argument but the one above is that word, or none.
ServerSettings settings;
try
{
    settings = ServerSettings.FromEnvironment(Environment.GetEnvironmentVariable);
}
catch (InvalidOperationException invalid)
{
    await Console.Error.WriteLineAsync($"Configuration error: {invalid.Message}");
    return 2;
}

var log = new ServerLog(Console.Out);
ServerApplication server;
try
{
    server = await ServerApplication.StartAsync(settings, CancellationToken.None);
}
catch (IOException bindFailed)
{
    await Console.Error.WriteLineAsync($"Cannot listen on {settings.BindAddress}:{settings.Port} ({ServerSettings.BindToPortVariable}, {ServerSettings.BindAddressVariable}): {bindFailed.Message}");
    return 3;
}

await using (server)
{
    log.Info("server_listening", ("address", server.Address.ToString()), ("safePortRange", settings.SafePortRange is var (first, last) ? $"{first}-{last}" : null),
        ("invocationsModel", settings.InvocationsModel), ("maxBodyBytes", settings.MaxBodyBytes));
    IInferenceService service;
    try
    {
        var modelsFromS3 = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(FunctionEnvironment.ModelS3Bucket))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(FunctionEnvironment.ModelRegistryBucket));
        service = await ServerStartup.InitializeAsync(Environment.GetEnvironmentVariable, settings, Console.Out,
            modelsFromS3 ? new AmazonS3Client() : null, server.Stopping);
    }
    catch (OperationCanceledException) when (server.Stopping.IsCancellationRequested)
    {
        log.Info("server_stopped", ("reason", "stopped while the models were loading"));
        return 0;
    }
    catch (Exception exception) when (exception is not OutOfMemoryException)
    {
        var type = exception is FunctionException function ? function.ErrorType : exception.GetType().Name;
        await Console.Error.WriteLineAsync($"Init failed: {type}: {exception.Message}");
        log.Error("server_init_failed", ("errorType", type), ("error", exception.Message));
        await server.StopAsync();
        return 1;
    }

    server.State.MarkReady(service);
    log.Info("server_ready");
    server.Stopping.Register(() => log.Info("server_draining", ("shutdownTimeoutSeconds", settings.ShutdownTimeout.TotalSeconds)));
    await server.WaitForShutdownAsync();
    (service as IDisposable)?.Dispose();
    log.Info("server_stopped");
    return 0;
}
