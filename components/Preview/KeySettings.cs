using System.Globalization;
using Infra.Core;

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
            "aws:lambda/function:Function" => Function(properties),
            "aws:cloudwatch/logGroup:LogGroup" => [$"log retention ({name}): {properties.Text("retentionInDays") ?? "never expires"} days"],
            "aws:appautoscaling/target:Target" => [$"provisioned concurrency: {properties.Text("minCapacity")} to {properties.Text("maxCapacity")} instances"],
            "aws:appautoscaling/scheduledAction:ScheduledAction" =>
                [$"schedule {name}: {properties.Text("schedule")} {properties.Text("timezone")} -> at least {properties.Text("scalableTargetAction", "minCapacity")}"],
            "aws:appautoscaling/policy:Policy" =>
                [$"target tracking: {properties.Text("targetTrackingScalingPolicyConfiguration", "targetValue")} utilization"],
            "aws:wafv2/webAcl:WebAcl" => [WafRules(properties)],
            "aws:apigateway/usagePlan:UsagePlan" =>
                [$"usage plan {name}: quota {properties.Text("quotaSettings", "limit")} per {properties.Text("quotaSettings", "period")?.ToLowerInvariant()}, " +
                 $"{properties.Text("throttleSettings", "rateLimit")} req/s, burst {properties.Text("throttleSettings", "burstLimit")}"],
            "aws:apigateway/stage:Stage" => [$"stage {properties.Text("stageName")}: X-Ray {(properties.Flag("xrayTracingEnabled") ? "on" : "off")}, cache {(properties.Flag("cacheClusterEnabled") ? properties.Text("cacheClusterSize") + " GB" : "off")}"],
            "aws:lambda/eventSourceMapping:EventSourceMapping" => [EventSource(properties)],
            "aws:sqs/queue:Queue" => [Queue(name, properties)],
            "aws:dynamodb/table:Table" => [$"table {name}: {properties.Text("billingMode")?.ToLowerInvariant().Replace('_', ' ')}, TTL {(properties.Flag("ttl", "enabled") ? "on" : "off")}"],
            "awsx:ecr:Image" => [$"image built from {properties.Text("dockerfile")} for {properties.Text("platform")}"],
            "aws:budgets/budget:Budget" => [$"budget: {properties.Text("limitAmount")} {properties.Text("limitUnit")} per {properties.Text("timeUnit")?.ToLowerInvariant()}"],
            _ => [],
        };
    }

    private static IEnumerable<string> Function(MapValue properties)
    {
        var package = properties.Text("packageType") == "Image"
            ? "container image"
            : $"runtime {properties.Text("runtime")}" + (properties.At("s3Bucket") is null ? ", zip" : ", zip via S3");
        var line = $"memory {properties.Text("memorySize")} MB, timeout {properties.Text("timeout")} s, {properties.Text("architectures", "0")}, {package}";
        if (properties.Text("reservedConcurrentExecutions") is { } reserved)
        {
            line += $", reserved concurrency {reserved}";
        }

        yield return line;
        if (properties.Text("environment", "variables", "PREDICTIONS_SAMPLE_RATE") is { } rate)
        {
            yield return $"predictions log sample rate {rate}";
        }
    }

    private static string WafRules(MapValue properties)
    {
        var rules = properties.Items("rules").OfType<MapValue>()
            .OrderBy(rule => rule.Number("priority") ?? 0)
            .Select(rule =>
            {
                var limit = rule.Text("statement", "rateBasedStatement", "limit");
                return limit is null ? rule.Text("name") : $"{rule.Text("name")} ({limit}/{rule.Text("statement", "rateBasedStatement", "evaluationWindowSec") ?? "300"} s)";
            });
        return "WAF rules: " + string.Join(", ", rules);
    }

    private static string EventSource(MapValue properties)
    {
        var line = $"batch size {properties.Text("batchSize")}, window {properties.Text("maximumBatchingWindowInSeconds") ?? "0"} s";
        if (properties.Text("scalingConfig", "maximumConcurrency") is { } concurrency)
        {
            line += $", at most {concurrency} concurrent";
        }

        return properties.Items("functionResponseTypes").Any(t => t is LiteralValue { Value: "ReportBatchItemFailures" })
            ? line + ", partial batch failures"
            : line;
    }

    private static string Queue(string name, MapValue properties)
    {
        var line = $"queue {name}: visibility {properties.Text("visibilityTimeoutSeconds") ?? "30"} s";
        if (properties.Number("messageRetentionSeconds") is { } retention)
        {
            line += $", retention {(retention / 86_400).ToString("0.#", CultureInfo.InvariantCulture)} days";
        }

        return properties.Text("redrivePolicy", "maxReceiveCount") is { } receives ? line + $", dead letter after {receives} receives" : line;
    }
}
