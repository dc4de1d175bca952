using Infra.Core;

namespace Infra.Components;

/// <summary>The container image an endpoint runs, and the ECR repository it comes from (its execution role may pull from that repository only).</summary>
public sealed record EndpointImage(Input<string> ImageUri, Input<string> RepositoryArn)
{
    /// <summary>
    /// The image a <see cref="ContainerInferenceApi"/> builds, by digest, from its repository. With the default
    /// functions/Dockerfile that is the Lambda image, which does not answer SageMaker's hosting contract: the server mode
    /// is <see cref="From(InferenceServerImage)"/>.
    /// </summary>
    public static EndpointImage From(ContainerInferenceApi api)
    {
        ArgumentNullException.ThrowIfNull(api);
        return new EndpointImage(api.Image.ImageUri, api.Repository.Arn);
    }

    /// <summary>The server-mode image an <see cref="InferenceServerImage"/> builds, by digest, from its repository.</summary>
    public static EndpointImage From(InferenceServerImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new EndpointImage(image.ImageUri, image.Repository.Arn);
    }
}

/// <summary>A model archive in S3 (SageMaker's <c>ModelDataUrl</c>: a <c>model.tar.gz</c> it extracts under <c>/opt/ml/model</c>).</summary>
public sealed record EndpointModelData
{
    public required EncryptedBucket Bucket { get; init; }

    /// <summary>The object key of the archive, e.g. <c>models/resnet18/1.0.0/model.tar.gz</c>; the role may read exactly this object.</summary>
    public required string Key { get; init; }
}

/// <summary>Requests and responses SageMaker copies to S3 for model monitoring.</summary>
public sealed record EndpointDataCaptureArgs
{
    /// <summary>The bucket the captures go to; null creates one (KMS-encrypted, versioned) in the component.</summary>
    public EncryptedBucket? Bucket { get; init; }

    /// <summary>Where under the bucket the captures go (ends with '/').</summary>
    public string Prefix { get; init; } = "data-capture/";

    /// <summary>Share of requests captured, a whole percentage from 1 to 100.</summary>
    public int SamplingPercent { get; init; } = 10;

    public bool CaptureInput { get; init; } = true;

    public bool CaptureOutput { get; init; } = true;
}

/// <summary>
/// SageMaker asynchronous inference: callers put inputs in S3 and call <c>InvokeEndpointAsync</c>; results and failures
/// land in a KMS-encrypted bucket, and SNS topics (KMS-encrypted) announce each. The endpoint can scale to zero instances.
/// </summary>
public sealed record AsyncInferenceArgs
{
    /// <summary>The bucket for inputs, results and failures; null creates one in the component.</summary>
    public EncryptedBucket? Bucket { get; init; }

    /// <summary>Where callers put inputs: the execution role may read only under it.</summary>
    public string InputPrefix { get; init; } = "async/input/";

    /// <summary>Where SageMaker writes results (its <c>S3OutputPath</c>).</summary>
    public string OutputPrefix { get; init; } = "async/output/";

    /// <summary>Where SageMaker writes the error of a failed request (its <c>S3FailurePath</c>).</summary>
    public string FailurePrefix { get; init; } = "async/failures/";

    /// <summary>Requests SageMaker sends to one instance at a time, 1 to 1,000; null lets SageMaker choose.</summary>
    public int? MaxConcurrentInvocationsPerInstance { get; init; } = 4;

    /// <summary>Target of the backlog policy: queued requests per instance (<c>ApproximateBacklogSizePerInstance</c>).</summary>
    public double BacklogPerInstance { get; init; } = 5;

    /// <summary>Alarm when the oldest queued request has waited this long, in whole seconds.</summary>
    public TimeSpan OldestRequestAlarm { get; init; } = TimeSpan.FromMinutes(15);
}

/// <summary>Instances kept by time of day: the provisioned-concurrency schedule's vocabulary (peak, gradual scale-down to the floor).</summary>
public sealed record EndpointScheduleArgs
{
    /// <summary>IANA time zone the hours are in, e.g. <c>Europe/Berlin</c>.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Monday to Friday; its <see cref="DailyProfile.PeakMinimum"/> is in instances.</summary>
    public required DailyProfile Weekdays { get; init; }

    /// <summary>Saturday and Sunday; null keeps the minimum all weekend.</summary>
    public DailyProfile? Weekends { get; init; }
}

/// <summary>Alarm thresholds of a <see cref="GpuInferenceEndpoint"/>; every alarm notifies the stack's alarm topic.</summary>
public sealed record EndpointAlarmArgs
{
    /// <summary>Alarm when this share of invocations answers 5xx (<c>Invocation5XXErrors</c>).</summary>
    public double Invocation5xxRatePercent { get; init; } = 1;

    /// <summary>Alarm when more than this many invocations per period fail in the model (<c>InvocationModelErrors</c>; real-time only).</summary>
    public int ModelErrorsPerPeriod { get; init; }

    /// <summary>Alarm when the average <c>ModelLatency</c> is above this, in whole milliseconds.</summary>
    public TimeSpan ModelLatency { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Alarm when the average GPU utilization per GPU is above this percentage.</summary>
    public double GpuUtilizationPercent { get; init; } = 90;

    /// <summary>Alarm when the average CPU utilization per vCPU is above this percentage.</summary>
    public double CpuUtilizationPercent { get; init; } = 90;

    /// <summary>Length of a data point, in whole minutes (SageMaker publishes every minute); an alarm fires when 3 of 5 breach.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromMinutes(1);
}

public sealed record GpuInferenceEndpointArgs
{
    public const string DefaultInstanceType = "ml.g6.xlarge";

    /// <summary>The server-mode container (SageMaker's hosting contract: <c>GET /ping</c>, <c>POST /invocations</c> on 8080).</summary>
    public required EndpointImage Image { get; init; }

    /// <summary>A SageMaker instance type, <c>ml.{family}.{size}</c>.</summary>
    public string InstanceType { get; init; } = DefaultInstanceType;

    /// <summary>GPUs per instance (1 on <c>ml.g6.xlarge</c> to <c>ml.g6.16xlarge</c>): SageMaker's GPUUtilization adds up 100 % per GPU.</summary>
    public int GpusPerInstance { get; init; } = 1;

    /// <summary>Fewest instances: at least 1 for real-time endpoints; 0 lets an asynchronous endpoint scale to zero.</summary>
    public int MinInstances { get; init; } = 1;

    public int MaxInstances { get; init; } = 2;

    /// <summary>Target of the real-time scaling policy: invocations per instance per minute (<c>SageMakerVariantInvocationsPerInstance</c>).</summary>
    public double TargetInvocationsPerInstance { get; init; } = 600;

    /// <summary>More instances at the busy hours; scaling in to <see cref="MinInstances"/> after each peak is part of the schedule.</summary>
    public EndpointScheduleArgs? Schedule { get; init; }

    /// <summary>
    /// The container's environment; <c>INFERENCE_EXECUTION_PROVIDER</c> is <c>cuda</c> unless set here. SageMaker adds
    /// its own <c>SAGEMAKER_*</c> variables.
    /// </summary>
    public IReadOnlyDictionary<string, Input<string>> Environment { get; init; } = new Dictionary<string, Input<string>>();

    /// <summary>The model archive in S3; null when the image carries the model.</summary>
    public EndpointModelData? ModelData { get; init; }

    /// <summary>Run the instances in these subnets with these security groups (no VpcId needed).</summary>
    public FunctionNetworkArgs? Network { get; init; }

    public EndpointDataCaptureArgs? DataCapture { get; init; }

    /// <summary>Asynchronous inference instead of real-time: S3 in and out, SNS notifications, scale to zero.</summary>
    public AsyncInferenceArgs? Asynchronous { get; init; }

    public EndpointAlarmArgs Alarms { get; init; } = new();

    /// <summary>Where alarms notify; one is created (without subscribers) when absent.</summary>
    public AlarmNotifications? Notifications { get; init; }

    /// <summary>
    /// How a new model or image reaches traffic: SageMaker's blue/green deployment with the same steps vocabulary as a
    /// function's rollout ([100] all at once, [c, 100] a canary of c %, [s, 2s, ..., 100] linear steps of s %), each
    /// step baked for <see cref="GradualRolloutArgs.Bake"/>, rolled back automatically when an alarm fires.
    /// </summary>
    public GradualRolloutArgs? Rollout { get; init; }

    /// <summary>Seconds the container may take to answer its first <c>/ping</c>, 60 to 3,600 (model download and CUDA start).</summary>
    public TimeSpan StartupHealthCheckTimeout { get; init; } = TimeSpan.FromMinutes(10);
}
