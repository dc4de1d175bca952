namespace Infra.Components;

/// <summary>
/// Every price the cost estimate and the dashboards use: AWS list prices in us-east-1, without
/// free tiers, savings plans or volume discounts. Lambda (x86), API Gateway, WAF and KMS are from
/// the design notes (section 3). Fargate, the load balancer, ECR, X-Ray, SQS, CloudWatch and
/// DynamoDB (after its November 2024 on-demand cut) were checked against public pricing summaries
/// dated 2025-07 to 2026-06, and S3's PUT rate likewise; S3's storage and GET rates and Lambda's
/// arm64 provisioned-concurrency rates were not found in those sources (see the comments below).
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

    public static decimal LambdaPerGbSecond(string architecture) => architecture == "arm64" ? LambdaPerGbSecondArm64 : LambdaPerGbSecondX86;

    public static decimal ProvisionedPerGbSecond(string architecture) => architecture == "arm64" ? ProvisionedPerGbSecondArm64 : ProvisionedPerGbSecondX86;

    public static decimal ProvisionedDurationPerGbSecond(string architecture) =>
        architecture == "arm64" ? ProvisionedDurationPerGbSecondArm64 : ProvisionedDurationPerGbSecondX86;

    public static decimal FargatePerVcpuHour(string architecture) => architecture == "arm64" ? FargatePerVcpuHourArm64 : FargatePerVcpuHourX86;

    public static decimal FargatePerGbHour(string architecture) => architecture == "arm64" ? FargatePerGbHourArm64 : FargatePerGbHourX86;
}
