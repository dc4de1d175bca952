using System.Globalization;
using Infra.Core;
using Infra.Policy;

namespace Infra.Preview;

/// <summary>
/// The settings worth seeing before a deployment, read from each resource's emitted inputs by its
/// type: what the plan prints under each component.
/// </summary>
internal static class KeySettings
{
    public static IEnumerable<string> Of(Resource resource, MapValue properties)
    {
        var name = resource.LocalName;
        return resource.TypeToken switch
        {
            Aws.Lambda.Function.PulumiType => Function(properties),
            Aws.CloudWatch.LogGroup.PulumiType => [$"log retention ({name}): {properties.At("retentionInDays").Text() ?? "never expires"} days"],
            Aws.AppAutoScaling.Target.PulumiType => [$"provisioned concurrency: {properties.At("minCapacity").Text()} to {properties.At("maxCapacity").Text()} instances"],
            Aws.AppAutoScaling.ScheduledAction.PulumiType =>
                [$"schedule {name}: {properties.At("schedule").Text()} {properties.At("timezone").Text()} -> {properties.At("scalableTargetAction.minCapacity").Text()} to {properties.At("scalableTargetAction.maxCapacity").Text()} instances"],
            Aws.AppAutoScaling.Policy.PulumiType =>
                [$"target tracking: {properties.At("targetTrackingScalingPolicyConfiguration.targetValue").Text()} utilization"],
            Aws.WafV2.WebAcl.PulumiType => [WafRules(properties)],
            Aws.ApiGateway.UsagePlan.PulumiType =>
                [$"usage plan {name}: quota {properties.At("quotaSettings.limit").Text()} per {properties.At("quotaSettings.period").Text()?.ToLowerInvariant()}, " +
                 $"{properties.At("throttleSettings.rateLimit").Text()} req/s, burst {properties.At("throttleSettings.burstLimit").Text()}"],
            Aws.ApiGateway.Stage.PulumiType => [$"stage {properties.At("stageName").Text()}: X-Ray {(properties.At("xrayTracingEnabled").IsTrue() ? "on" : "off")}, cache {(properties.At("cacheClusterEnabled").IsTrue() ? properties.At("cacheClusterSize").Text() + " GB" : "off")}"],
            Aws.Lambda.EventSourceMapping.PulumiType => [EventSource(properties)],
            Aws.Sqs.Queue.PulumiType => [Queue(name, properties)],
            Aws.DynamoDB.Table.PulumiType => [$"table {name}: {properties.At("billingMode").Text()?.ToLowerInvariant().Replace('_', ' ')}, TTL {(properties.At("ttl.enabled").IsTrue() ? "on" : "off")}"],
            Awsx.Ecr.Image.PulumiType => [$"image built from {properties.At("dockerfile").Text()} for {properties.At("platform").Text()}"],
            Aws.Budgets.Budget.PulumiType => [$"budget: {properties.At("limitAmount").Text()} {properties.At("limitUnit").Text()} per {properties.At("timeUnit").Text()?.ToLowerInvariant()}"],
            _ => [],
        };
    }

    private static IEnumerable<string> Function(MapValue properties)
    {
        var package = properties.At("packageType").Text() == "Image"
            ? "container image"
            : $"runtime {properties.At("runtime").Text()}" + (properties.At("s3Bucket") is null ? ", zip" : ", zip via S3");
        var line = $"memory {properties.At("memorySize").Text()} MB, timeout {properties.At("timeout").Text()} s, {properties.At("architectures").Items().FirstOrDefault().Text()}, {package}";
        if (properties.At("reservedConcurrentExecutions").Text() is { } reserved)
        {
            line += $", reserved concurrency {reserved}";
        }

        yield return line;
        if (properties.At("environment.variables.PREDICTIONS_SAMPLE_RATE").Text() is { } rate)
        {
            yield return $"predictions log sample rate {rate}";
        }
    }

    private static string WafRules(MapValue properties)
    {
        var rules = properties.At("rules").Items().OfType<MapValue>()
            .OrderBy(rule => rule.At("priority").Number() ?? 0)
            .Select(rule =>
            {
                var limit = rule.At("statement.rateBasedStatement.limit").Text();
                return limit is null ? rule.At("name").Text() : $"{rule.At("name").Text()} ({limit}/{rule.At("statement.rateBasedStatement.evaluationWindowSec").Text() ?? "300"} s)";
            });
        return "WAF rules: " + string.Join(", ", rules);
    }

    private static string EventSource(MapValue properties)
    {
        var line = $"batch size {properties.At("batchSize").Text()}, window {properties.At("maximumBatchingWindowInSeconds").Text() ?? "0"} s";
        if (properties.At("scalingConfig.maximumConcurrency").Text() is { } concurrency)
        {
            line += $", at most {concurrency} concurrent";
        }

        return properties.At("functionResponseTypes").Items().Any(t => t is LiteralValue { Value: "ReportBatchItemFailures" })
            ? line + ", partial batch failures"
            : line;
    }

    private static string Queue(string name, MapValue properties)
    {
        var line = $"queue {name}: visibility {properties.At("visibilityTimeoutSeconds").Text() ?? "30"} s";
        if (properties.At("messageRetentionSeconds").Number() is { } retention)
        {
            line += $", retention {(retention / 86_400).ToString("0.#", CultureInfo.InvariantCulture)} days";
        }

        return properties.At("redrivePolicy").JsonDocumentOf().At("maxReceiveCount").Text() is { } receives ? line + $", dead letter after {receives} receives" : line;
    }
}
