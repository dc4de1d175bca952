using Infra.Aws.CloudWatch;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// Alarms on the version being rolled out alone: with alias weights, Lambda reports invocations through the alias per
/// executed version (dimensions FunctionName, Resource and ExecutedVersion); with a stage canary, the candidate alias
/// carries only the new version. Either way a 5 % canary that fails every request breaches at once, where the
/// alias-wide error rate would be diluted by the stable version's traffic. The thresholds are the function's own
/// monitoring's (one source of truth): a batch invocation handles a whole batch of objects, and judging it by an API's
/// p95 would roll back every batch rollout.
/// </summary>
internal sealed class CanaryAlarms
{
    public CanaryAlarms(ComponentResource owner, InferenceFunction function, InferenceMonitoring monitoring, IRolloutTraffic traffic)
    {
        var thresholds = monitoring.Settings;
        var notifications = monitoring.Notifications;
        InputMap<string> Dimensions()
        {
            var dimensions = new InputMap<string>
            {
                ["FunctionName"] = function.FunctionName,
                ["Resource"] = Output.Format($"{function.FunctionName}:{traffic.CanaryAlias}"),
            };
            if (traffic.SplitsWithinAlias)
            {
                dimensions["ExecutedVersion"] = function.Function.Version;
            }

            return dimensions;
        }
        MetricAlarmMetricQueryArgs Query(string id, string metric, string stat) => new()
        {
            Id = id,
            ReturnData = false,
            Metric = new MetricAlarmMetricQueryMetricArgs { Namespace = "AWS/Lambda", MetricName = metric, Stat = stat, Period = 60, Dimensions = Dimensions() },
        };

        Alarms =
        [
            Alarm(owner, "canary-error-rate", notifications, $"The new version's errors over its invocations above {thresholds.ErrorRatePercent} %", new MetricAlarmArgs
            {
                Threshold = thresholds.ErrorRatePercent,
                MetricQueries = new[]
                {
                    Query("errors", "Errors", "Sum"),
                    Query("invocations", "Invocations", "Sum"),
                    new MetricAlarmMetricQueryArgs
                    {
                        Id = "rate",
                        Expression = "IF(invocations > 0, 100 * errors / invocations, 0)",
                        Label = "New version error rate (%)",
                        ReturnData = true,
                    },
                },
            }),
            Alarm(owner, "canary-p95-duration", notifications, $"The new version's p95 duration above {thresholds.P95DurationMilliseconds()} ms", new MetricAlarmArgs
            {
                Namespace = "AWS/Lambda",
                MetricName = "Duration",
                ExtendedStatistic = "p95",
                Period = 60,
                Dimensions = Dimensions(),
                Threshold = thresholds.P95DurationMilliseconds(),
            }),
        ];
    }

    public IReadOnlyList<MetricAlarm> Alarms { get; }

    // Two of three minutes: a canary gets little traffic, so one bad minute should not pass unnoticed for long,
    // and one slow cold start alone should not roll back.
    private static MetricAlarm Alarm(ComponentResource owner, string name, AlarmNotifications notifications, string description, MetricAlarmArgs alarm)
    {
        alarm.AlarmDescription = $"{description} ({owner.Path}, {owner.Stack.StackName})";
        alarm.ComparisonOperator = "GreaterThanThreshold";
        alarm.EvaluationPeriods = 3;
        alarm.DatapointsToAlarm = 2;
        alarm.TreatMissingData = "notBreaching";
        alarm.AlarmActions = new[] { (Input<string>)notifications.TopicArn };
        alarm.OkActions = new[] { (Input<string>)notifications.TopicArn };
        return new MetricAlarm(owner, name, alarm);
    }
}
