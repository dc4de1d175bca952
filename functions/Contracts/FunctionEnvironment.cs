namespace Inference.Contracts;

/// <summary>
/// The names of the environment variables the inference function reads, declared once for the function (which reads
/// them) and for the infrastructure components, local mode and the tuner (which set them). Variables that Lambda itself
/// or the AWS SDK define (AWS_REGION, AWS_LAMBDA_*, AWS_ENDPOINT_URL_*) are theirs, not part of this contract.
/// </summary>
public static class FunctionEnvironment
{
    // Which model the function serves, and where it comes from.

    /// <summary>The bundled model (or comma-separated models) to serve; unset serves every bundled model.</summary>
    public const string ModelName = "MODEL_NAME";

    /// <summary>The folder the bundled models are read from (default: <c>models</c> next to the function).</summary>
    public const string ModelDirectory = "MODEL_DIR";

    /// <summary>The model registry's bucket; with <see cref="ModelVersion"/> the function loads that registry version.</summary>
    public const string ModelRegistryBucket = "MODEL_REGISTRY_BUCKET";

    /// <summary>The registry version the function loads (with <see cref="ModelRegistryBucket"/>).</summary>
    public const string ModelVersion = "MODEL_VERSION";

    /// <summary>The bucket of a single model object (with <see cref="ModelS3Key"/>), outside the registry.</summary>
    public const string ModelS3Bucket = "MODEL_S3_BUCKET";

    /// <summary>The key of that model object in <see cref="ModelS3Bucket"/>.</summary>
    public const string ModelS3Key = "MODEL_S3_KEY";

    /// <summary>The S3 version id of that model object, pinning it; unset reads the latest.</summary>
    public const string ModelS3Version = "MODEL_S3_VERSION";

    /// <summary>Where models fetched from S3 are cached on local disk.</summary>
    public const string ModelCacheDirectory = "MODEL_CACHE_DIR";

    /// <summary>When models load: at init (eager) or on the first request for them (lazy).</summary>
    public const string ModelLoading = "MODEL_LOADING";

    // Several models or variants behind one function: JSON documents whose shapes are in TrafficSplitConfig and RouterConfig.

    /// <summary>The traffic split's JSON: weighted variants, sticky header, shadow traffic.</summary>
    public const string TrafficSplit = "TRAFFIC_SPLIT";

    /// <summary>The ensembles' JSON: models answered together and combined.</summary>
    public const string Ensembles = "ENSEMBLES";

    /// <summary>The router's JSON: the rules that choose a model per request.</summary>
    public const string Router = "ROUTER";

    // A GPU back end: the function is a front that forwards every request to a SageMaker endpoint (GpuEndpointContract).

    /// <summary>The SageMaker endpoint the front forwards requests to; set, the function serves no model itself.</summary>
    public const string GpuEndpointName = "GPU_ENDPOINT_NAME";

    /// <summary>The endpoint's region (default: AWS_REGION, which Lambda sets).</summary>
    public const string GpuEndpointRegion = "GPU_ENDPOINT_REGION";

    /// <summary>The whole time one request may spend on the endpoint, retries and their waits included, in milliseconds.</summary>
    public const string GpuTimeoutMs = "GPU_TIMEOUT_MS";

    /// <summary>The time one call to the endpoint may take before it is abandoned (and retried, if the budget allows), in milliseconds.</summary>
    public const string GpuAttemptTimeoutMs = "GPU_ATTEMPT_TIMEOUT_MS";

    /// <summary>How many calls one request may make to the endpoint, the first included.</summary>
    public const string GpuMaxAttempts = "GPU_MAX_ATTEMPTS";

    /// <summary>
    /// Local mode only: the base URL of a stand-in for SageMaker's runtime API (serve's relay to the server process); the
    /// front then posts to <c>{url}/endpoints/{name}/invocations</c>, the same path and signed call as in AWS.
    /// </summary>
    public const string GpuEndpointUrl = "GPU_ENDPOINT_URL";

    // ONNX Runtime and process tuning.

    /// <summary>ONNX Runtime's intra-op threads (default: from the function's memory, which decides its vCPUs).</summary>
    public const string IntraOpThreads = "ORT_INTRA_OP_THREADS";

    /// <summary>Where ONNX Runtime's optimized model is cached, or off.</summary>
    public const string OptimizedModelCache = "ORT_OPTIMIZED_MODEL_CACHE";

    /// <summary>Whether the model files are already optimized by ONNX Runtime (skips the optimization at load).</summary>
    public const string PreoptimizedModel = "ORT_PREOPTIMIZED_MODEL";

    /// <summary>Whether ONNX Runtime's threads may spin while waiting for work.</summary>
    public const string AllowSpinning = "ORT_ALLOW_SPINNING";

    /// <summary>
    /// Which ONNX Runtime execution provider the sessions ask for: <c>cpu</c> or <c>cuda</c>. Unset is CPU without the
    /// provider's log line and metric dimension (the Lambda function); set, the process says which provider actually runs.
    /// </summary>
    public const string ExecutionProvider = "INFERENCE_EXECUTION_PROVIDER";

    /// <summary>The CUDA device the CUDA provider runs on (default 0).</summary>
    public const string CudaDeviceId = "INFERENCE_CUDA_DEVICE_ID";

    /// <summary>With <c>true</c>, a requested CUDA provider that cannot run fails the start instead of falling back to CPU.</summary>
    public const string ExecutionProviderStrict = "INFERENCE_EXECUTION_PROVIDER_STRICT";

    /// <summary>The most single requests one model run stacks together (dynamic batching); unset or 1 is off.</summary>
    public const string DynamicBatchMaxSize = "INFERENCE_DYNAMIC_BATCH_MAX_SIZE";

    /// <summary>The longest a request waits for others to share its model run, in milliseconds (dynamic batching).</summary>
    public const string DynamicBatchMaxWaitMs = "INFERENCE_DYNAMIC_BATCH_MAX_WAIT_MS";

    /// <summary>Whether models load in parallel at init.</summary>
    public const string ParallelInit = "INIT_PARALLEL";

    /// <summary>The largest request body accepted, in bytes.</summary>
    public const string MaxBodyBytes = "MAX_BODY_BYTES";

    /// <summary>The largest decoded image accepted, in pixels.</summary>
    public const string MaxImagePixels = "MAX_IMAGE_PIXELS";

    /// <summary>The most inputs one request may batch.</summary>
    public const string BatchMaxSize = "BATCH_MAX_SIZE";

    /// <summary>The time kept back before Lambda's deadline to answer a timeout in words, in milliseconds.</summary>
    public const string DeadlineSafetyMarginMs = "DEADLINE_SAFETY_MARGIN_MS";

    /// <summary>The CloudWatch namespace of the function's EMF metrics (default <see cref="FunctionMetrics.DefaultNamespace"/>).</summary>
    public const string MetricsNamespace = "METRICS_NAMESPACE";

    // The prediction log.

    /// <summary>The DynamoDB table predictions are logged to.</summary>
    public const string PredictionsTable = "PREDICTIONS_TABLE";

    /// <summary>A JSON-lines file predictions are logged to instead of the table (local mode).</summary>
    public const string PredictionsLogFile = "PREDICTIONS_LOG_FILE";

    /// <summary>The share of predictions logged, 0 to 1.</summary>
    public const string PredictionsSampleRate = "PREDICTIONS_SAMPLE_RATE";

    /// <summary>How many days a logged prediction is kept (its TTL attribute).</summary>
    public const string PredictionsTtlDays = "PREDICTIONS_TTL_DAYS";

    /// <summary>How long one prediction-log write may take, in milliseconds.</summary>
    public const string PredictionsTimeoutMs = "PREDICTIONS_TIMEOUT_MS";

    // Feedback and accuracy.

    /// <summary>How many feedback samples the accuracy window holds.</summary>
    public const string AccuracyWindow = "ACCURACY_WINDOW";

    /// <summary>How many feedback samples the window needs before accuracy is published.</summary>
    public const string AccuracyMinSamples = "ACCURACY_MIN_SAMPLES";

    /// <summary>How long looking up the prediction a feedback refers to may take, in milliseconds.</summary>
    public const string FeedbackTimeoutMs = "FEEDBACK_TIMEOUT_MS";

    // The prediction cache.

    /// <summary>The DynamoDB table of the shared prediction cache.</summary>
    public const string PredictionCacheTable = "PREDICTION_CACHE_TABLE";

    /// <summary>The Redis (Valkey) host:port of the shared prediction cache.</summary>
    public const string PredictionCacheRedisEndpoint = "PREDICTION_CACHE_REDIS_ENDPOINT";

    /// <summary>Whether the Redis connection uses TLS (default true).</summary>
    public const string PredictionCacheRedisTls = "PREDICTION_CACHE_REDIS_TLS";

    /// <summary>The most entries of the in-process cache; 0 turns it off.</summary>
    public const string PredictionCacheMaxEntries = "PREDICTION_CACHE_MAX_ENTRIES";

    /// <summary>The most bytes of the in-process cache.</summary>
    public const string PredictionCacheMaxBytes = "PREDICTION_CACHE_MAX_BYTES";

    /// <summary>How long a cached prediction is kept, in seconds.</summary>
    public const string PredictionCacheTtlSeconds = "PREDICTION_CACHE_TTL_SECONDS";

    /// <summary>How long one shared-cache call may take, in milliseconds.</summary>
    public const string PredictionCacheTimeoutMs = "PREDICTION_CACHE_TIMEOUT_MS";

    // The batch handler (S3 events).

    /// <summary>The bucket that receives one result or error record per input object.</summary>
    public const string ResultsBucket = "RESULTS_BUCKET";

    /// <summary>The key prefix of those records (default <c>results/</c>).</summary>
    public const string ResultsPrefix = "RESULTS_PREFIX";

    /// <summary>The model the batch handler runs for every object.</summary>
    public const string BatchModelName = "BATCH_MODEL_NAME";

    /// <summary>The version of that model.</summary>
    public const string BatchModelVersion = "BATCH_MODEL_VERSION";

    // The batch-job mode (BatchInference's AWS Batch option): the same handler over one object, a manifest or a prefix.

    /// <summary>Set to 1 by the job definition: the process runs one batch job instead of the Lambda runtime loop.</summary>
    public const string BatchJobMode = "BATCH_JOB_MODE";

    /// <summary>The queue that receives, with the reason, every input the job could not record.</summary>
    public const string BatchDeadLetterQueueUrl = "BATCH_DEAD_LETTER_QUEUE_URL";

    // SageMaker asynchronous inference (BatchInference's SageMakerAsyncCompute): the function forwards each uploaded input to
    // an asynchronous endpoint and collects the endpoint's SNS notifications into the batch records (gpu.md).

    /// <summary>The asynchronous SageMaker endpoint the batch inputs are forwarded to (InvokeEndpointAsync); its region is AWS_REGION.</summary>
    public const string AsyncEndpointName = "ASYNC_ENDPOINT_NAME";

    /// <summary>How many times the job tries an input that failed transiently before it dead-letters it (default 3).</summary>
    public const string BatchJobAttempts = "BATCH_JOB_ATTEMPTS";

    /// <summary>Local mode only: a folder that stands in for S3 (one subfolder per bucket).</summary>
    public const string LocalObjectRoot = "LOCAL_OBJECT_ROOT";
}
