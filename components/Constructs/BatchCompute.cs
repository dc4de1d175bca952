using Infra.Core;

namespace Infra.Components;

/// <summary>
/// Where <see cref="BatchInference"/> runs its model: <see cref="LambdaBatchCompute"/> (the default: SQS → Lambda) or
/// <see cref="AwsBatchCompute"/> (EventBridge → AWS Batch, for work beyond Lambda's 15 minutes and 10 GB). Further kinds
/// derive from this record.
/// </summary>
public abstract record BatchCompute
{
    private protected BatchCompute()
    {
    }

    /// <summary>The default: the queue drives the function through an event source mapping.</summary>
    public static LambdaBatchCompute Lambda { get; } = new();
}

/// <summary>S3 → SQS → Lambda, with partial batch failures and the queue's redrive to the dead-letter queue.</summary>
public sealed record LambdaBatchCompute : BatchCompute;

/// <summary>What an AWS Batch compute environment runs on.</summary>
public enum AwsBatchCapacity
{
    /// <summary>Fargate on demand: CPU only, no instances to choose.</summary>
    Fargate,

    /// <summary>Fargate Spot: CPU only; a job may be stopped when AWS needs the capacity back (Batch retries it).</summary>
    FargateSpot,

    /// <summary>EC2 on-demand instances of <see cref="AwsBatchCompute.InstanceTypes"/> (GPU instances for GPU jobs).</summary>
    Ec2,

    /// <summary>EC2 Spot instances of <see cref="AwsBatchCompute.InstanceTypes"/>.</summary>
    Ec2Spot,
}

/// <summary>
/// S3 (EventBridge notifications) → an EventBridge rule that submits one AWS Batch job per new object → the job runs the
/// function's container image in its batch-job mode, writing the same records and predictions log as the Lambda path.
/// The compute environment scales to zero between jobs (no minimum vCPUs).
/// </summary>
public sealed record AwsBatchCompute : BatchCompute
{
    /// <summary>The function's container image (e.g. a <see cref="ContainerInferenceApi"/>'s image URI): its model is bundled in it.</summary>
    public required Input<string> Image { get; init; }

    public AwsBatchCapacity Capacity { get; init; } = AwsBatchCapacity.Fargate;

    /// <summary>EC2 capacity only: the instance types the environment may launch, e.g. <c>g6.xlarge</c> for one NVIDIA L4.</summary>
    public IReadOnlyList<string> InstanceTypes { get; init; } = [];

    /// <summary>vCPUs per job (Fargate: 0.25, 0.5, 1, 2, 4, 8 or 16).</summary>
    public double Vcpus { get; init; } = 2;

    /// <summary>Memory per job (Fargate: within the range its vCPUs allow).</summary>
    public DataSize Memory { get; init; } = DataSize.FromMebibytes(4096);

    /// <summary>GPUs per job; EC2 capacity only, with GPU instance types (the environment then uses the NVIDIA ECS AMI).</summary>
    public int Gpus { get; init; }

    /// <summary>The most vCPUs the environment runs at once, 1 to 10,000: the cap on parallel jobs and on cost.</summary>
    public int MaxVcpus { get; init; } = 16;

    /// <summary>The subnets the jobs run in (private subnets with a NAT gateway or VPC endpoints for S3, SQS, DynamoDB, ECR, Logs).</summary>
    public required IReadOnlyList<Input<string>> SubnetIds { get; init; }

    public required IReadOnlyList<Input<string>> SecurityGroupIds { get; init; }

    /// <summary>How long one attempt of a job may run, from 60 s (Batch's minimum); Batch then stops it and retries.</summary>
    public TimeSpan JobTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Attempts per job, 1 to 10 (Batch's retry strategy); a job that fails them all reaches the dead-letter queue.</summary>
    public int JobAttempts { get; init; } = 3;

    /// <summary>How long the job's logs are kept.</summary>
    public TimeSpan LogRetention { get; init; } = TimeSpan.FromDays(30);
}

/// <summary>
/// S3 → SQS → the function as a forwarder (InvokeEndpointAsync with the input's S3 location, up to SageMaker's 1 GB and
/// one hour per request) → a SageMaker asynchronous GPU endpoint, which scales to zero when its queue is empty → its
/// success and error topics → a second queue → the same function as a collector, writing the records and the predictions
/// log as the Lambda path does, or dead-lettering the input with SageMaker's reason.
/// </summary>
public sealed record SageMakerAsyncCompute : BatchCompute
{
    /// <summary>The endpoint, in asynchronous mode (<see cref="GpuInferenceEndpointArgs.Asynchronous"/>); its role is granted the input prefix.</summary>
    public required GpuInferenceEndpoint Endpoint { get; init; }
}
