using Infra.Aws.CloudWatch;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// The alarms and dashboard of a <see cref="GpuInferenceEndpoint"/>. Invocation metrics are in <c>AWS/SageMaker</c> per
/// [EndpointName, VariantName], instance metrics in <c>/aws/sagemaker/Endpoints</c> per the same dimensions, and the
/// asynchronous backlog metrics in <c>AWS/SageMaker</c> per [EndpointName] (SageMaker developer guide, "Amazon SageMaker AI
/// metrics in Amazon CloudWatch" and "Monitor asynchronous endpoints"; an asynchronous endpoint publishes no
/// Invocations, InvocationsPerInstance or InvocationModelErrors).
/// </summary>
internal sealed class EndpointAlarms
{
    public const string InvocationNamespace = "AWS/SageMaker";
    public const string InstanceNamespace = "/aws/sagemaker/Endpoints";

    /// <summary>CloudWatch API Reference, PutDashboard: DashboardName, up to 255 letters, digits, - and _.</summary>
    private static readonly PhysicalNameRule DashboardNameRule = PhysicalNameRule.Of(255, "-_");

    private readonly ComponentResource _owner;
    private readonly string _endpointName;
    private readonly int _period;
    private readonly Input<string> _topic;
    private readonly List<MetricAlarm> _all = [];
    private readonly List<Input<string>> _rollback = [];

    public EndpointAlarms(ComponentResource owner, GpuInferenceEndpointArgs args, SageMakerInstanceType instanceType, string endpointName, AlarmNotifications notifications)
    {
        _owner = owner;
        _endpointName = endpointName;
        _period = (int)TimeUnit.Seconds.Count(args.Alarms.Period);
        _topic = notifications.TopicArn;
        var thresholds = args.Alarms;

        // Invocation5XXErrors is 1 or 0 per request, so its average is the share of 5xx answers.
        Alarm("invocation-5xx-rate", $"Share of invocations answered 5xx above {thresholds.Invocation5xxRatePercent} %", rollback: true,
            Variant(InvocationNamespace, "Invocation5XXErrors", "Average"), thresholds.Invocation5xxRatePercent / 100);
        if (args.Asynchronous is null)
        {
            Alarm("model-errors", $"Invocations that got no valid answer from the model above {thresholds.ModelErrorsPerPeriod} per period", rollback: true,
                Variant(InvocationNamespace, "InvocationModelErrors", "Sum"), thresholds.ModelErrorsPerPeriod);
        }

        // ModelLatency is in microseconds.
        var latencyMs = TimeUnit.Milliseconds.Count(thresholds.ModelLatency);
        Alarm("model-latency", $"Average model latency above {latencyMs} ms", rollback: true,
            Variant(InvocationNamespace, "ModelLatency", "Average"), latencyMs * 1000.0);
        // Instance utilization adds up 100 % per GPU and per vCPU.
        Alarm("gpu-utilization", $"GPU utilization above {thresholds.GpuUtilizationPercent} % per GPU ({args.GpusPerInstance} per instance)", rollback: false,
            Variant(InstanceNamespace, "GPUUtilization", "Average"), thresholds.GpuUtilizationPercent * args.GpusPerInstance);
        Alarm("cpu-utilization", $"CPU utilization above {thresholds.CpuUtilizationPercent} % per vCPU ({instanceType.VirtualCpus} on {instanceType})", rollback: false,
            Variant(InstanceNamespace, "CPUUtilization", "Average"), thresholds.CpuUtilizationPercent * instanceType.VirtualCpus);
        if (args.Asynchronous is { } asynchronous)
        {
            var seconds = TimeUnit.Seconds.Count(asynchronous.OldestRequestAlarm);
            Alarm("oldest-request-age", $"The oldest queued request has waited more than {seconds} s", rollback: false,
                Endpoint("ApproximateAgeOfOldestRequest", "Maximum"), seconds);
        }
    }

    public IReadOnlyList<MetricAlarm> All => _all;

    /// <summary>The alarms a blue/green deployment rolls back on: the new fleet's errors and latency, not its load.</summary>
    public IReadOnlyList<Input<string>> RollbackAlarmNames => _rollback;

    public Dashboard CreateDashboard(GpuInferenceEndpointArgs args)
    {
        var region = Aws.AwsContext.Region(_owner.Stack);
        var widgets = new List<object>();
        if (args.Asynchronous is null)
        {
            widgets.Add(Widget("Invocations and errors", region, "Sum",
                [Row(Variant(InvocationNamespace, "Invocations", "Sum")), Row(Variant(InvocationNamespace, "Invocation5XXErrors", "Sum")),
                 Row(Variant(InvocationNamespace, "Invocation4XXErrors", "Sum")), Row(Variant(InvocationNamespace, "InvocationModelErrors", "Sum"))]));
            widgets.Add(Widget("Invocations per instance (scaling target)", region, "Sum", [Row(Variant(InvocationNamespace, "InvocationsPerInstance", "Sum"))]));
        }
        else
        {
            widgets.Add(Widget("Errors", region, "Sum",
                [Row(Variant(InvocationNamespace, "Invocation5XXErrors", "Sum")), Row(Variant(InvocationNamespace, "Invocation4XXErrors", "Sum"))]));
            widgets.Add(Widget("Backlog (requests queued, per instance)", region, "Average",
                [Row(Endpoint("ApproximateBacklogSize", "Average")), Row(Endpoint("ApproximateBacklogSizePerInstance", "Average")),
                 Row(Endpoint("HasBacklogWithoutCapacity", "Maximum"))]));
            widgets.Add(Widget("Oldest queued request (s)", region, "Maximum", [Row(Endpoint("ApproximateAgeOfOldestRequest", "Maximum"))]));
        }

        widgets.Add(Widget("Model latency (µs)", region, "Average", [Row(Variant(InvocationNamespace, "ModelLatency", "Average")), Row(Variant(InvocationNamespace, "ModelLatency", "Maximum"))]));
        widgets.Add(Widget("GPU utilization and GPU memory (% summed over GPUs)", region, "Average",
            [Row(Variant(InstanceNamespace, "GPUUtilization", "Average")), Row(Variant(InstanceNamespace, "GPUMemoryUtilization", "Average"))]));
        widgets.Add(Widget("CPU, memory and disk utilization (%)", region, "Average",
            [Row(Variant(InstanceNamespace, "CPUUtilization", "Average")), Row(Variant(InstanceNamespace, "MemoryUtilization", "Average")),
             Row(Variant(InstanceNamespace, "DiskUtilization", "Average"))]));
        return new Dashboard(_owner, "dashboard", new DashboardArgs
        {
            DashboardName = PhysicalName.Join(DashboardNameRule, "", '-', _owner.Stack.ProjectName, _owner.Stack.StackName, _owner.Path.Replace('/', '-')),
            DashboardBody = Output.JsonSerialize(new Dictionary<string, object> { ["widgets"] = widgets }),
        });
    }

    private CloudWatchMetric Variant(string metricNamespace, string metric, string statistic) => new(metricNamespace, metric,
        new Dictionary<string, Input<string>> { ["EndpointName"] = _endpointName, ["VariantName"] = GpuInferenceEndpoint.VariantName }, statistic);

    private CloudWatchMetric Endpoint(string metric, string statistic) =>
        new(InvocationNamespace, metric, new Dictionary<string, Input<string>> { ["EndpointName"] = _endpointName }, statistic);

    private static object[] Row(CloudWatchMetric metric) => metric.WidgetEntry($"{metric.MetricName} ({metric.Statistic})");

    private void Alarm(string name, string description, bool rollback, CloudWatchMetric metric, double threshold)
    {
        var alarm = new MetricAlarm(_owner, name, new MetricAlarmArgs
        {
            AlarmDescription = $"{description} ({_owner.Path}, {_owner.Stack.StackName})",
            Namespace = metric.Namespace,
            MetricName = metric.MetricName,
            Dimensions = metric.DimensionMap(),
            Statistic = metric.Statistic,
            Period = _period,
            EvaluationPeriods = 5,
            DatapointsToAlarm = 3,
            Threshold = threshold,
            ComparisonOperator = "GreaterThanThreshold",
            // No traffic, or no instances (an asynchronous endpoint at zero), is not a failure.
            TreatMissingData = "notBreaching",
            AlarmActions = new[] { _topic },
            OkActions = new[] { _topic },
        });
        _all.Add(alarm);
        if (rollback)
        {
            _rollback.Add(alarm.MetricAlarmName);
        }
    }

    private static Dictionary<string, object> Widget(string title, Output<string> region, string stat, object[] metrics) =>
        DashboardWidgets.Metric(title, region, stat, metrics);
}
