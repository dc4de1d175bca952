namespace Components.Tests.Monitoring;

/// <summary>
/// A metric an AWS service publishes: its namespace, name, and the dimension combinations CloudWatch holds it under.
/// <paramref name="NeedsProvisionedConcurrency"/>: published only for an alias or version with provisioned concurrency.
/// </summary>
internal sealed record AwsMetric(string Namespace, string Name, IReadOnlyList<string[]> DimensionSets, bool NeedsProvisionedConcurrency = false);

/// <summary>
/// The AWS metrics our components may alarm on or graph, as the service documentation lists them. A metric or a
/// dimension combination missing here is one CloudWatch never holds: an alarm on it stays in INSUFFICIENT_DATA (or,
/// with missing data as not breaching, OK) forever.
/// </summary>
internal static class AwsMetricCatalog
{
    // Lambda developer guide, "Types of metrics for Lambda functions" (lambda/latest/dg/monitoring-metrics-types.html)
    // and "Viewing metrics": FunctionName aggregates a function's versions and aliases, Resource (function:qualifier)
    // one version or alias, and ExecutedVersion, with both, the version that ran an alias invocation (for comparing
    // the versions of a weighted alias). "Monitoring concurrency" (monitoring-concurrency.html): the
    // ProvisionedConcurrency* metrics exist only for a version or alias with provisioned concurrency configured.
    private static readonly string[][] LambdaInvocation = [[], ["FunctionName"], ["FunctionName", "Resource"], ["FunctionName", "Resource", "ExecutedVersion"]];
    private static readonly string[][] LambdaFunction = [[], ["FunctionName"], ["FunctionName", "Resource"]];
    private static readonly string[][] LambdaProvisioned = [["FunctionName", "Resource"]];

    // API Gateway developer guide, "Amazon API Gateway dimensions and metrics" (api-gateway-metrics-and-dimensions.html),
    // REST APIs: per API, per stage, or (detailed metrics only) per method.
    private static readonly string[][] RestApi = [["ApiName"], ["ApiName", "Stage"], ["ApiName", "Method", "Resource", "Stage"]];

    // SQS developer guide, "Available CloudWatch metrics for Amazon SQS" (sqs-available-cloudwatch-metrics.html):
    // the only dimension is QueueName.
    private static readonly string[][] Queue = [["QueueName"]];

    // SageMaker developer guide, "Amazon SageMaker AI metrics in Amazon CloudWatch" (monitoring-cloudwatch.html): invocation
    // metrics in AWS/SageMaker and instance metrics in /aws/sagemaker/Endpoints, per [EndpointName, VariantName];
    // "Monitor asynchronous endpoints" (async-inference-monitor.html): the backlog metrics per [EndpointName].
    private static readonly string[][] SageMakerVariant = [["EndpointName", "VariantName"]];
    private static readonly string[][] SageMakerEndpoint = [["EndpointName"]];

    public static IReadOnlyList<AwsMetric> All { get; } =
    [
        new("AWS/SageMaker", "Invocations", SageMakerVariant),
        new("AWS/SageMaker", "InvocationsPerInstance", SageMakerVariant),
        new("AWS/SageMaker", "Invocation4XXErrors", SageMakerVariant),
        new("AWS/SageMaker", "Invocation5XXErrors", SageMakerVariant),
        new("AWS/SageMaker", "InvocationModelErrors", SageMakerVariant),
        new("AWS/SageMaker", "ModelLatency", SageMakerVariant),
        new("AWS/SageMaker", "OverheadLatency", SageMakerVariant),
        new("AWS/SageMaker", "ApproximateBacklogSize", SageMakerEndpoint),
        new("AWS/SageMaker", "ApproximateBacklogSizePerInstance", SageMakerEndpoint),
        new("AWS/SageMaker", "ApproximateAgeOfOldestRequest", SageMakerEndpoint),
        new("AWS/SageMaker", "HasBacklogWithoutCapacity", SageMakerEndpoint),
        new("/aws/sagemaker/Endpoints", "CPUUtilization", SageMakerVariant),
        new("/aws/sagemaker/Endpoints", "MemoryUtilization", SageMakerVariant),
        new("/aws/sagemaker/Endpoints", "DiskUtilization", SageMakerVariant),
        new("/aws/sagemaker/Endpoints", "GPUUtilization", SageMakerVariant),
        new("/aws/sagemaker/Endpoints", "GPUMemoryUtilization", SageMakerVariant),
        new("AWS/Lambda", "Invocations", LambdaInvocation),
        new("AWS/Lambda", "Errors", LambdaInvocation),
        new("AWS/Lambda", "Duration", LambdaInvocation),
        new("AWS/Lambda", "Throttles", LambdaFunction),
        new("AWS/Lambda", "ConcurrentExecutions", LambdaFunction),
        new("AWS/Lambda", "ProvisionedConcurrencyUtilization", LambdaProvisioned, NeedsProvisionedConcurrency: true),
        new("AWS/Lambda", "ProvisionedConcurrencySpilloverInvocations", LambdaProvisioned, NeedsProvisionedConcurrency: true),
        new("AWS/Lambda", "ProvisionedConcurrentExecutions", LambdaProvisioned, NeedsProvisionedConcurrency: true),
        new("AWS/ApiGateway", "Count", RestApi),
        new("AWS/ApiGateway", "4XXError", RestApi),
        new("AWS/ApiGateway", "5XXError", RestApi),
        new("AWS/ApiGateway", "Latency", RestApi),
        new("AWS/ApiGateway", "IntegrationLatency", RestApi),
        new("AWS/ApiGateway", "CacheHitCount", RestApi),
        new("AWS/ApiGateway", "CacheMissCount", RestApi),
        new("AWS/SQS", "ApproximateAgeOfOldestMessage", Queue),
        new("AWS/SQS", "ApproximateNumberOfMessagesVisible", Queue),
        new("AWS/SQS", "ApproximateNumberOfMessagesNotVisible", Queue),
        new("AWS/SQS", "NumberOfMessagesSent", Queue),
    ];

    /// <summary>The AWS metric of that namespace and name whose dimension sets include exactly these names; null when there is none.</summary>
    public static AwsMetric? Find(string metricNamespace, string name, IEnumerable<string> dimensions)
    {
        var names = dimensions.Order(StringComparer.Ordinal).ToArray();
        return All.FirstOrDefault(m => m.Namespace == metricNamespace && m.Name == name
            && m.DimensionSets.Any(set => set.Order(StringComparer.Ordinal).SequenceEqual(names)));
    }

    /// <summary>A namespace AWS publishes to: <c>AWS/...</c>, and SageMaker's instance metrics under <c>/aws/sagemaker/</c>.</summary>
    public static bool IsAwsNamespace(string metricNamespace) =>
        metricNamespace.StartsWith("AWS/", StringComparison.Ordinal) || metricNamespace.StartsWith("/aws/sagemaker/", StringComparison.Ordinal);

    /// <summary>Metrics an asynchronous SageMaker endpoint does not publish ("Monitor asynchronous endpoints" lists what it does).</summary>
    public static IReadOnlySet<string> NotPublishedByAsynchronousEndpoints { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Invocations", "InvocationsPerInstance", "InvocationModelErrors", "OverheadLatency",
    };
}
