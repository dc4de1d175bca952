namespace Infra.Components;

/// <summary>
/// Every price the cost estimate and the dashboards use: AWS list prices in us-east-1, without
/// free tiers, savings plans or volume discounts. Lambda (x86), API Gateway, WAF and KMS are from
/// the design notes (section 3). Fargate, the load balancer, ECR, X-Ray, SQS, CloudWatch and
/// DynamoDB (after its November 2024 on-demand cut) were checked against public pricing summaries
/// dated 2025-07 to 2026-06, and S3's PUT rate likewise; S3's storage and GET rates and Lambda's
/// arm64 provisioned-concurrency rates were not found in those sources (see the comments below).
/// The GPU rates (SageMaker hosting, EC2 GPU instances) and SNS were checked on 2026-12-08 against
/// public price tables that agree with each other (see <see cref="GpuInstances"/>).
/// </summary>
public static class PriceTable
{
    public const string Region = "us-east-1";

    public const string AsOf = "2026-11";

    /// <summary>Hours in AWS's billing month.</summary>
    public const double HoursPerMonth = 730;

    public const double DaysPerMonth = HoursPerMonth / 24;

    public const double SecondsPerMonth = HoursPerMonth * 3600;

    // Lambda.
    public const decimal LambdaPerRequest = 0.20m / 1_000_000m;
    public const decimal LambdaPerGbSecondX86 = 0.0000166667m;
    public const decimal LambdaPerGbSecondArm64 = 0.0000133334m;

    /// <summary>Provisioned concurrency while configured, per GB-s (x86); billed in 5-minute increments.</summary>
    public const decimal ProvisionedPerGbSecondX86 = 0.0000041667m;

    /// <summary>Duration executed on provisioned instances, per GB-s (x86).</summary>
    public const decimal ProvisionedDurationPerGbSecondX86 = 0.0000097222m;

    // arm64 provisioned concurrency: not found in a checked source; 20 % below x86, as arm64 on-demand duration is.
    public const decimal ProvisionedPerGbSecondArm64 = 0.0000033334m;
    public const decimal ProvisionedDurationPerGbSecondArm64 = 0.0000077778m;

    // API Gateway REST, first 333 million requests a month.
    public const decimal ApiGatewayRestPerRequest = 3.50m / 1_000_000m;

    // WAF.
    public const decimal WafPerWebAclMonth = 5.00m;
    public const decimal WafPerRuleMonth = 1.00m;
    public const decimal WafPerRequest = 0.60m / 1_000_000m;

    // KMS.
    public const decimal KmsPerKeyMonth = 1.00m;
    public const decimal KmsPerRequest = 0.03m / 10_000m;

    // S3 Standard; the storage and GET rates are the long-standing list rates, not re-checked.
    public const decimal S3PerGbMonth = 0.023m;
    public const decimal S3PerPutRequest = 0.005m / 1_000m;
    public const decimal S3PerGetRequest = 0.0004m / 1_000m;

    // SQS standard queues, first 100 billion requests.
    public const decimal SqsPerRequest = 0.40m / 1_000_000m;

    // DynamoDB on demand.
    public const decimal DynamoDbPerWriteUnit = 0.625m / 1_000_000m;
    public const decimal DynamoDbPerReadUnit = 0.125m / 1_000_000m;
    public const decimal DynamoDbPerGbMonth = 0.25m;

    // CloudWatch.
    public const decimal CloudWatchPerAlarmMetricMonth = 0.10m;
    public const decimal CloudWatchPerDashboardMonth = 3.00m;
    public const decimal CloudWatchLogsPerGbIngested = 0.50m;
    public const decimal CloudWatchLogsPerGbMonthStored = 0.03m;

    // X-Ray.
    public const decimal XRayPerTraceRecorded = 5.00m / 1_000_000m;

    // ECR.
    public const decimal EcrPerGbMonth = 0.10m;

    // The always-on alternative: Fargate (Linux) tasks behind an Application Load Balancer.
    public const decimal FargatePerVcpuHourX86 = 0.04048m;
    public const decimal FargatePerGbHourX86 = 0.004445m;
    public const decimal FargatePerVcpuHourArm64 = 0.03238m;
    public const decimal FargatePerGbHourArm64 = 0.00356m;
    public const decimal AlbPerHour = 0.0225m;

    // SNS standard topics: publishes (deliveries to SQS and Lambda are not charged).
    public const decimal SnsPerPublish = 0.50m / 1_000_000m;

    /// <summary>
    /// Spot prices move by zone and hour, so none is listed: spot capacity (EC2 and Fargate Spot) is priced at this
    /// share of the on-demand rate, an assumption the estimate prints (AWS advertises "up to 90 %" off for EC2 Spot
    /// and "up to 70 %" for Fargate Spot; 60 % off is a middling outcome, not a quote).
    /// </summary>
    public const decimal AssumedSpotShareOfOnDemand = 0.40m;

    /// <summary>
    /// Instance types the GPU estimate knows, by name: vCPUs, memory (GiB), GPUs, and the on-demand hourly rate in
    /// us-east-1 as a SageMaker hosting instance (<c>ml.</c> names: real-time and asynchronous inference bill the same
    /// instance-hour) or as an EC2 Linux instance (what AWS Batch on EC2 runs).
    /// Sources, checked 2026-12-08: ml.g4dn.xlarge 0.7364, ml.g5.xlarge 1.408 and ml.g6.xlarge 1.1267 appear in
    /// several public cost tools quoting AWS's SageMaker pricing page (one outlier lists ml.g6.xlarge at 0.98);
    /// ml.g6e.xlarge 2.61 appears in several, one of them marking it as captured from the Price List API for
    /// training, so the hosting rate is the same figure but not separately confirmed; ml.m5.xlarge 0.23 in one
    /// table (another quotes 0.269, possibly a different component): treat it as approximate. EC2: g4dn.xlarge
    /// 0.526 is the long-standing list rate quoted everywhere; g5.xlarge 1.006, g6.xlarge 0.8048 and g6e.xlarge
    /// 1.861 from a Price List API capture dated 2026-08-17 in a public cost model. No ml.c7i rate was found in a
    /// checked source, so none is listed: an unknown type is reported as unpriced, never guessed.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, InstancePrice> GpuInstances = new Dictionary<string, InstancePrice>(StringComparer.Ordinal)
    {
        ["ml.g4dn.xlarge"] = new(4, 16, 1, 0.7364m),
        ["ml.g5.xlarge"] = new(4, 16, 1, 1.408m),
        ["ml.g6.xlarge"] = new(4, 16, 1, 1.1267m),
        ["ml.g6e.xlarge"] = new(4, 32, 1, 2.61m),
        ["ml.m5.xlarge"] = new(4, 16, 0, 0.23m),
        ["g4dn.xlarge"] = new(4, 16, 1, 0.526m),
        ["g5.xlarge"] = new(4, 16, 1, 1.006m),
        ["g6.xlarge"] = new(4, 16, 1, 0.8048m),
        ["g6e.xlarge"] = new(4, 32, 1, 1.861m),
    };

    /// <summary>The instance type's size and hourly rate, or null when the table has no checked price for it.</summary>
    public static InstancePrice? Instance(string? instanceType) =>
        instanceType is not null && GpuInstances.TryGetValue(instanceType, out var price) ? price : null;

    public static decimal LambdaPerGbSecond(string architecture) => architecture == "arm64" ? LambdaPerGbSecondArm64 : LambdaPerGbSecondX86;

    public static decimal ProvisionedPerGbSecond(string architecture) => architecture == "arm64" ? ProvisionedPerGbSecondArm64 : ProvisionedPerGbSecondX86;

    public static decimal ProvisionedDurationPerGbSecond(string architecture) =>
        architecture == "arm64" ? ProvisionedDurationPerGbSecondArm64 : ProvisionedDurationPerGbSecondX86;

    public static decimal FargatePerVcpuHour(string architecture) => architecture == "arm64" ? FargatePerVcpuHourArm64 : FargatePerVcpuHourX86;

    public static decimal FargatePerGbHour(string architecture) => architecture == "arm64" ? FargatePerGbHourArm64 : FargatePerGbHourX86;
}

/// <summary>An instance type's size and its on-demand hourly rate in <see cref="PriceTable.Region"/>.</summary>
public sealed record InstancePrice(int Vcpus, int MemoryGib, int Gpus, decimal PerHour);
