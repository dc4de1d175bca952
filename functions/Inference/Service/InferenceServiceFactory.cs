using Amazon.DynamoDBv2;
using Amazon.S3;
using Inference.Caching;
using Inference.Contracts;
using Inference.Feedback;
using Inference.Imaging;
using Inference.Predictions;
using Inference.Sessions;
using Inference.Storage;
using Inference.Telemetry;

namespace Inference.Service;

/// <summary>
/// Builds one model service: the models of one source (bundled folder, MODEL_S3_*, or a registry version), with their
/// cache, predictions log and telemetry. <see cref="FunctionComposition"/> calls it once per process, or once per
/// traffic-split variant.
/// </summary>
public static class InferenceServiceFactory
{
    /// <summary>
    /// Builds the service from environment variables (documented in functions/README.md). Every model.json is
    /// validated here, and with MODEL_LOADING=eager (the default) the models are loaded before it completes, so a
    /// broken model fails the init phase with a message that names the problem.
    /// </summary>
    /// <param name="environment">Reads a variable; <see cref="Environment.GetEnvironmentVariable(string)"/> when null.</param>
    /// <param name="output">Where log and metric lines go; standard output when null.</param>
    /// <param name="s3">The S3 client for MODEL_REGISTRY_BUCKET and MODEL_S3_*; a default client is created when needed and null.</param>
    /// <param name="dynamoDb">The DynamoDB client for PREDICTION_CACHE_TABLE and PREDICTIONS_TABLE; likewise.
    /// PREDICTION_CACHE_REDIS_ENDPOINT opens its own Redis connection.</param>
    public static async Task<ModelService> FromEnvironmentAsync(Func<string, string?>? environment = null, TextWriter? output = null, IAmazonS3? s3 = null,
        IAmazonDynamoDB? dynamoDb = null, CancellationToken cancellationToken = default)
    {
        var options = InferenceOptions.FromEnvironment(environment ?? Environment.GetEnvironmentVariable, Environment.ProcessorCount);
        return await CreateAsync(options, output ?? Console.Out, s3, dynamoDb, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <param name="random">Draws the predictions log's samples, uniform in [0, 1); <see cref="Random.Shared"/> when null.</param>
    /// <param name="variant">The traffic-split variant this service answers for (a metric dimension); null without a split.</param>
    public static async Task<ModelService> CreateAsync(InferenceOptions options, TextWriter output, IAmazonS3? s3 = null, IAmazonDynamoDB? dynamoDb = null,
        Func<double>? random = null, string? variant = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<ModelDefinition> definitions;
        IModelFileProvider files = new BundledModelFileProvider();
        if (options.Registry is { } pinned)
        {
            s3 ??= new AmazonS3Client();
            var source = new RegistryModelSource(s3, pinned, options.CacheDirectory);
            definitions = [await source.FetchDefinitionAsync(cancellationToken).ConfigureAwait(false)];
            files = new S3ModelFileProvider(s3, pinned.ModelFile, options.CacheDirectory, DownloadRetryPolicy.Default);
        }
        else
        {
            definitions = ModelCatalog.Discover(options.ModelDirectory, options.ModelName);
        }

        if (options.S3Location is { } location)
        {
            if (definitions.Count != 1)
            {
                throw new InvalidOperationException(
                    $"MODEL_S3_BUCKET is set but MODEL_DIR '{options.ModelDirectory}' has {definitions.Count} models; " +
                    "set MODEL_NAME to the one whose ONNX file comes from S3.");
            }

            files = new S3ModelFileProvider(s3 ?? new AmazonS3Client(), location, options.CacheDirectory, DownloadRetryPolicy.Default);
        }

        TelemetryWriter? written = null;
        var providers = options.ExecutionProvider is { } provider
            ? new ExecutionProviderSelection(provider, choice => written!.WriteExecutionProvider(choice))
            : null;
        var telemetry = written = new TelemetryWriter(output, options.MetricsNamespace) { Variant = variant, ExecutionProviders = providers };
        // Decided now where no session is needed (CPU, or no CUDA in this build), so that with lazy loading the lines written
        // before the first model load carry the ExecutionProvider dimension like every later one (and strict fails the start).
        providers?.ResolveWithoutSession();
        var sessions = options.SessionSettings with { Providers = providers };
        var models = new ModelSessions(definitions, new ModelLoader(files, sessions, options.ParallelInit), telemetry.WriteModelLoad);
        var dynamo = new Lazy<IAmazonDynamoDB>(() => dynamoDb ?? new AmazonDynamoDBClient());
        var cache = PredictionCache.Create(options.Cache, () => dynamo.Value, TimeProvider.System,
            new SharedCacheHealth(telemetry.WriteCacheOutage, telemetry.WriteCacheRecovered, TimeProvider.System));
        var recorder = PredictionRecorder.Create(options.PredictionLog, () => dynamo.Value, TimeProvider.System, random ?? Random.Shared.NextDouble);
        var service = new ModelService(models, Stages(models, options, telemetry, cache, recorder,
            FeedbackStores.Create(options.PredictionLog, () => dynamo.Value, TimeProvider.System)));
        if (options.EagerLoading)
        {
            try
            {
                // Image decoding warms up on another thread while the sessions are created (the second vCPU, or idle I/O time).
                var imaging = options.ParallelInit && definitions.Any(d => d.Config.Preprocessing is not null)
                    ? Task.Run(ImageDecoder.WarmUp)
                    : Task.CompletedTask;
                await models.LoadAllAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await imaging.ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is DllNotFoundException or TypeInitializationException)
                {
                    // /predict will answer with the same problem; /infer does not need images.
                    telemetry.WriteWarning("image_decoder_warm_up_failed", exception.Message);
                }

                if (cache is not null && await cache.WarmUpAsync(cancellationToken).ConfigureAwait(false) is { } cacheError)
                {
                    telemetry.WriteWarning("prediction_cache_warm_up_failed", cacheError);
                }
            }
            catch
            {
                service.Dispose();
                throw;
            }
        }

        return service;
    }

    /// <summary>
    /// The core and the stages around it, from the inside out: the sessions predict, behind the prediction cache (when
    /// there is one); the core routes and checks requests for them; each answered request is written to the predictions
    /// log (when there is one) before its telemetry line, which says whether that write failed.
    /// </summary>
    private static IServiceStage Stages(ModelSessions models, InferenceOptions options, TelemetryWriter telemetry, PredictionCache? cache,
        PredictionRecorder? recorder, IFeedbackStore? feedbackStore)
    {
        IPredictionStep predictions = new SessionPredictions(models, new ImageDecoder(options.MaxImagePixels));
        if (cache is not null)
        {
            predictions = new CachedPredictions(predictions, cache);
        }

        IServiceStage stages = new InferenceService(models, options, predictions, telemetry, feedbackStore);
        if (recorder is not null)
        {
            stages = new PredictionLogging(stages, recorder, models, telemetry);
        }

        return new RequestTelemetry(stages, telemetry);
    }
}
