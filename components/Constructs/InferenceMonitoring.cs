using System.Globalization;
using Inference.Contracts;
using Infra.Aws.CloudWatch;
using Infra.Core;

namespace Infra.Components;

/// <summary>The API Gateway stage whose 4xx and 5xx rates are alarmed on.</summary>
public sealed record ApiMetrics(Input<string> ApiName, Input<string> StageName);

public sealed record InferenceMonitoringArgs
{
    public required InferenceFunction Function { get; init; }

    /// <summary>Where alarms notify; one is created (without subscribers) when absent.</summary>
    public AlarmNotifications? Notifications { get; init; }

    /// <summary>The served model and version: the dimensions of the function's EMF metrics.</summary>
    public required string ModelName { get; init; }

    public required string ModelVersion { get; init; }

    /// <summary>Namespace of the function's EMF metrics (its METRICS_NAMESPACE).</summary>
    public string MetricsNamespace { get; init; } = FunctionMetrics.DefaultNamespace;

    public double ErrorRatePercent { get; init; } = 1;

    /// <summary>Alarm when the function's p95 duration is above this, in whole milliseconds (up to Lambda's 15-minute timeout).</summary>
    public TimeSpan P95Duration { get; init; } = TimeSpan.FromMilliseconds(500);

    public double ColdStartRatePercent { get; init; } = 5;

    /// <summary>
    /// Alarm when the served version's top-1 accuracy from client feedback (the average of the function's 1-or-0
    /// <c>FeedbackCorrect</c> over all instances, per period) falls below this percentage; null for no accuracy alarm.
    /// A gradual rollout rolls back on it.
    /// </summary>
    public double? MinimumAccuracyPercent { get; init; }

    public ApiMetrics? Api { get; init; }

    public double Api5xxRatePercent { get; init; } = 1;

    public double Api4xxRatePercent { get; init; } = 10;

    /// <summary>Length of an alarm data point (10 s, 30 s or a whole number of minutes CloudWatch allows); an alarm fires when 3 of the last 5 points breach.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The traffic split's variant names (<see cref="TrafficSplitArgs"/>): the dashboard shows them side by side.</summary>
    public IReadOnlyList<string> Variants { get; init; } = [];

    /// <summary>The split's shadow candidate, whose agreement and latency the dashboard shows; null without shadow traffic.</summary>
    public string? ShadowVariant { get; init; }

    /// <summary>More dashboard widgets (CloudWatch widget JSON objects), e.g. per-client API usage.</summary>
    public IReadOnlyList<object> ExtraWidgets { get; init; } = [];

    /// <summary>The p95 threshold as CloudWatch's Duration metric counts it (validated whole).</summary>
    internal int P95DurationMilliseconds() => (int)TimeUnit.Milliseconds.Count(P95Duration);

    /// <summary>The alarm period as CloudWatch takes it (validated whole).</summary>
    internal int PeriodSeconds() => (int)TimeUnit.Seconds.Count(Period);
}

/// <summary>
/// Alarms on a function's error rate, p95 duration, throttles, cold-start rate, provisioned-
/// concurrency spillover and, with an API, its 5xx and 4xx rates; plus the component's dashboard.
/// </summary>
public sealed class InferenceMonitoring : ComponentResource
{
    /// <summary>CloudWatch API Reference, PutDashboard: DashboardName, up to 255 letters, digits, - and _.</summary>
    private static readonly PhysicalNameRule DashboardNameRule = PhysicalNameRule.Of(255, "-_");

    private readonly InferenceMonitoringArgs _args;
    private readonly Output<string> _topic;
    private readonly List<MetricAlarm> _alarms = [];

    public InferenceMonitoring(IScope scope, string name, InferenceMonitoringArgs args, ComponentResourceOptions? options = null)
        : base("ml:InferenceMonitoring", scope, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        new ArgsValidation(Path)
            .Check(args.ErrorRatePercent is > 0 and <= 100, nameof(args.ErrorRatePercent), args.ErrorRatePercent, "a percentage above 0 and at most 100")
            .Check(args.MinimumAccuracyPercent is null or > 0 and <= 100, nameof(args.MinimumAccuracyPercent), args.MinimumAccuracyPercent, "a percentage above 0 and at most 100, or null for no accuracy alarm")
            .Check(args.ColdStartRatePercent is > 0 and <= 100, nameof(args.ColdStartRatePercent), args.ColdStartRatePercent, "a percentage above 0 and at most 100")
            .Check(args.Api5xxRatePercent is > 0 and <= 100, nameof(args.Api5xxRatePercent), args.Api5xxRatePercent, "a percentage above 0 and at most 100")
            .Check(args.Api4xxRatePercent is > 0 and <= 100, nameof(args.Api4xxRatePercent), args.Api4xxRatePercent, "a percentage above 0 and at most 100")
            .Duration(nameof(args.P95Duration), args.P95Duration, TimeUnit.Milliseconds, 1, 900_000)
            .DurationOneOf(nameof(args.Period), args.Period, TimeUnit.Seconds, [10, 30, 60, 300, 900, 3600])
            .Check(args.ModelName.Length > 0 && args.ModelVersion.Length > 0, nameof(args.ModelName), args.ModelName, "a model name and version, the EMF metric dimensions")
            .Check(args.ShadowVariant is null || args.Variants.Contains(args.ShadowVariant), nameof(args.ShadowVariant), args.ShadowVariant, "null or one of Variants")
            .ThrowIfInvalid();
        _args = args;
        Notifications = args.Notifications ?? new AlarmNotifications(this, "notifications");
        _topic = Notifications.TopicArn;

        Rate("error-rate", "Errors over invocations, in percent", Lambda("Errors", "Sum"), Lambda("Invocations", "Sum"), args.ErrorRatePercent);
        LambdaAlarm("p95-duration", $"p95 duration above {args.P95DurationMilliseconds()} ms", "Duration", "p95", args.P95DurationMilliseconds());
        LambdaAlarm("throttles", "Throttled invocations", "Throttles", "Sum", 0);
        Alarm("cold-start-rate", "Share of requests that were cold starts, in percent", new MetricAlarmArgs
        {
            Threshold = args.ColdStartRatePercent,
            MetricQueries = new[]
            {
                Query("cold", args.MetricsNamespace, FunctionMetrics.ColdStart.Name, "Average", ModelDimensions()),
                new MetricAlarmMetricQueryArgs { Id = "rate", Expression = "100 * cold", Label = "Cold starts (%)", ReturnData = true },
            },
        });
        if (args.MinimumAccuracyPercent is { } accuracy)
        {
            // FeedbackCorrect is 1 or 0 per judged feedback, so its average over a period is the whole fleet's accuracy in
            // that period; the per-instance Accuracy metric would weigh a quiet instance like a busy one.
            Alarm("accuracy", $"Top-1 accuracy from client feedback below {accuracy} % (model {args.ModelName} {args.ModelVersion})", new MetricAlarmArgs
            {
                Threshold = accuracy,
                ComparisonOperator = "LessThanThreshold",
                MetricQueries = new[]
                {
                    Query("correct", args.MetricsNamespace, FunctionMetrics.FeedbackCorrect.Name, "Average", ModelDimensions()),
                    new MetricAlarmMetricQueryArgs { Id = "accuracy", Expression = "100 * correct", Label = "Top-1 accuracy from feedback (%)", ReturnData = true },
                },
            });
        }

        if (args.Function.Concurrency is not null)
        {
            LambdaAlarm("spillover", "Invocations beyond provisioned concurrency (cold starts despite it)", "ProvisionedConcurrencySpilloverInvocations", "Sum", 0);
        }

        if (args.Api is { } api)
        {
            Rate("api-5xx-rate", "API 5xx responses, in percent", Api("5XXError", api), Api("Count", api), args.Api5xxRatePercent);
            Rate("api-4xx-rate", "API 4xx responses, in percent", Api("4XXError", api), Api("Count", api), args.Api4xxRatePercent);
        }

        Dashboard = new Dashboard(this, "dashboard", new DashboardArgs
        {
            DashboardName = PhysicalName.Join(DashboardNameRule, "", '-', Stack.ProjectName, Stack.StackName, Path.Replace('/', '-')),
            DashboardBody = Output.JsonSerialize(new Dictionary<string, object> { ["widgets"] = Widgets() }),
        });
    }

    public AlarmNotifications Notifications { get; }

    /// <summary>The thresholds the alarms use: a gradual rollout's canary alarms judge the new version by the same ones.</summary>
    public InferenceMonitoringArgs Settings => _args;

    /// <summary>Every alarm on the function, in order of creation (a gradual rollout rolls back when any fires).</summary>
    public IReadOnlyList<MetricAlarm> Alarms => _alarms;

    public Dashboard Dashboard { get; }

    /// <summary>The dashboard's console address.</summary>
    public Output<string> DashboardUrl => Output.Format(
        $"https://console.aws.amazon.com/cloudwatch/home?region={Aws.AwsContext.Region(Stack)}#dashboards:name={Dashboard.DashboardName}");

    /// <summary>An alarm on one of Lambda's metrics for the <c>live</c> alias; a statistic like <c>p95</c> is an extended one.</summary>
    private void LambdaAlarm(string name, string description, string metric, string statistic, double threshold)
    {
        var alarm = new MetricAlarmArgs { Namespace = "AWS/Lambda", MetricName = metric, Dimensions = AliasDimensions(), Threshold = threshold };
        if (statistic.StartsWith('p'))
        {
            alarm.ExtendedStatistic = statistic;
        }
        else
        {
            alarm.Statistic = statistic;
        }

        Alarm(name, description, alarm);
    }

    /// <summary>An alarm on 100 × numerator / denominator; a period without traffic counts as 0 %.</summary>
    private void Rate(string name, string description, Func<string, MetricAlarmMetricQueryArgs> numerator, Func<string, MetricAlarmMetricQueryArgs> denominator, double thresholdPercent) =>
        Alarm(name, description, new MetricAlarmArgs
        {
            Threshold = thresholdPercent,
            MetricQueries = new[]
            {
                numerator("numerator"),
                denominator("denominator"),
                new MetricAlarmMetricQueryArgs
                {
                    Id = "rate",
                    Expression = "IF(denominator > 0, 100 * numerator / denominator, 0)",
                    Label = description,
                    ReturnData = true,
                },
            },
        });

    private void Alarm(string name, string description, MetricAlarmArgs alarm)
    {
        alarm.AlarmDescription = $"{description} ({Path}, {Stack.StackName})";
        alarm.ComparisonOperator ??= "GreaterThanThreshold";
        alarm.EvaluationPeriods = 5;
        alarm.DatapointsToAlarm = 3;
        alarm.TreatMissingData = "notBreaching";
        if (alarm.MetricQueries is null)
        {
            alarm.Period = _args.PeriodSeconds();
        }

        alarm.AlarmActions = new[] { (Input<string>)_topic };
        alarm.OkActions = new[] { (Input<string>)_topic };
        _alarms.Add(new MetricAlarm(this, name, alarm));
    }

    private Func<string, MetricAlarmMetricQueryArgs> Lambda(string metric, string stat) => id => Query(id, "AWS/Lambda", metric, stat, AliasDimensions());

    private Func<string, MetricAlarmMetricQueryArgs> Api(string metric, ApiMetrics api) =>
        id => Query(id, "AWS/ApiGateway", metric, "Sum", new InputMap<string> { ["ApiName"] = api.ApiName, ["Stage"] = api.StageName });

    private MetricAlarmMetricQueryArgs Query(string id, string metricNamespace, string metric, string stat, InputMap<string> dimensions) => new()
    {
        Id = id,
        ReturnData = false,
        Metric = new MetricAlarmMetricQueryMetricArgs
        {
            Namespace = metricNamespace,
            MetricName = metric,
            Stat = stat,
            Period = _args.PeriodSeconds(),
            Dimensions = dimensions,
        },
    };

    /// <summary>Lambda's per-alias metrics: what callers of the <c>live</c> alias experience.</summary>
    private InputMap<string> AliasDimensions() => new()
    {
        ["FunctionName"] = _args.Function.FunctionName,
        ["Resource"] = Output.Format($"{_args.Function.FunctionName}:{InferenceFunction.LiveAlias}"),
    };

    private InputMap<string> ModelDimensions() => new() { [FunctionMetrics.Model] = _args.ModelName, [FunctionMetrics.ModelVersion] = _args.ModelVersion };

    private List<object> Widgets()
    {
        var function = _args.Function.FunctionName;
        var resource = Output.Format($"{function}:{InferenceFunction.LiveAlias}");
        var region = Aws.AwsContext.Region(Stack);
        object Lambda(string metric, string stat, string? id = null, bool visible = true) =>
            Metric("AWS/Lambda", metric, stat, id, visible, "FunctionName", function, "Resource", resource);
        object Emf(FunctionMetric metric, string stat, string? id = null, bool visible = true) =>
            Metric(_args.MetricsNamespace, metric.Name, stat, id, visible, FunctionMetrics.Model, _args.ModelName, FunctionMetrics.ModelVersion, _args.ModelVersion);

        var widgets = new List<object>
        {
            Widget("Invocations and errors", region, [Lambda("Invocations", "Sum"), Lambda("Errors", "Sum")]),
            Widget("Duration p50 / p95 / p99 (ms)", region, [Lambda("Duration", "p50"), Lambda("Duration", "p95"), Lambda("Duration", "p99")]),
            Widget("Cold starts", region, [Emf(FunctionMetrics.ColdStart, "Sum")]),
            Widget("Throttles", region, [Lambda("Throttles", "Sum")]),
            Widget("Predictions", region, [Emf(FunctionMetrics.Predictions, "Sum")]),
            Widget("Cost per 1,000 predictions (USD, list price)", region,
            [
                Lambda("Invocations", "Sum", "inv", visible: false),
                Lambda("Duration", "Sum", "dur", visible: false),
                Emf(FunctionMetrics.Predictions, "Sum", "pred", visible: false),
                new object[]
                {
                    new Dictionary<string, object>
                    {
                        ["expression"] = LambdaPricing.CostPerThousandPredictions("inv", "dur", "pred", (int)_args.Function.Settings.Memory.Mebibytes, _args.Function.Settings.Architecture.Value),
                        ["label"] = "USD per 1,000 predictions",
                        ["id"] = "cost",
                    },
                },
            ]),
        };
        if (_args.Function.Concurrency is not null)
        {
            // Lambda publishes the ProvisionedConcurrency* metrics only for an alias or version with provisioned
            // concurrency configured (Lambda developer guide, "Monitoring concurrency"): without it the graph stays empty.
            widgets.Insert(4, Widget("Provisioned concurrency utilization", region, [Lambda("ProvisionedConcurrencyUtilization", "Maximum")]));
        }

        widgets.Add(Widget("Accuracy from feedback (%)", region, [Emf(FunctionMetrics.Accuracy, "Average"), Emf(FunctionMetrics.Feedback, "Sum")]));
        widgets.AddRange(VariantWidgets(region));
        widgets.AddRange(_args.ExtraWidgets);
        for (var i = 0; i < widgets.Count; i++)
        {
            if (widgets[i] is Dictionary<string, object> widget)
            {
                // Two widgets per row, 12 columns each, in order.
                widget["x"] = i % 2 * 12;
                widget["y"] = i / 2 * 6;
            }
        }

        return widgets;
    }

    /// <summary>One line per variant in each widget (metrics per [Model, Variant]), and the shadow candidate's agreement and latency.</summary>
    private IEnumerable<object> VariantWidgets(Output<string> region)
    {
        if (_args.Variants.Count == 0)
        {
            yield break;
        }

        object[] PerVariant(FunctionMetric metric, string stat) =>
            [.. _args.Variants.Select(v => Metric(_args.MetricsNamespace, metric.Name, stat, null, true, FunctionMetrics.Model, _args.ModelName, FunctionMetrics.Variant, v))];
        object Shadow(FunctionMetric metric, string stat) =>
            Metric(_args.MetricsNamespace, metric.Name, stat, null, true, FunctionMetrics.Model, _args.ModelName, FunctionMetrics.Variant, _args.ShadowVariant!);

        yield return Widget("Predictions by variant", region, PerVariant(FunctionMetrics.Predictions, "Sum"));
        yield return Widget("Latency p95 by variant (ms)", region, PerVariant(FunctionMetrics.Latency, "p95"));
        yield return Widget("Errors by variant and code", region,
        [
            new object[]
            {
                new Dictionary<string, object>
                {
                    // Errors carry [Model, Variant, ErrorCode]; the search shows one line per variant and code that occurred.
                    ["expression"] = $"SEARCH('{{{_args.MetricsNamespace},{string.Join(',', FunctionMetrics.ErrorsByVariant)}}} MetricName=\"{FunctionMetrics.Errors.Name}\" {FunctionMetrics.Model}=\"{_args.ModelName}\"', 'Sum', {_args.PeriodSeconds()})",
                    ["label"] = "",
                    ["id"] = "errors",
                },
            },
        ]);
        yield return Widget("Cold starts by variant", region, PerVariant(FunctionMetrics.ColdStart, "Sum"));
        if (_args.ShadowVariant is not null)
        {
            yield return Widget($"Shadow '{_args.ShadowVariant}': agreement with the primary (top-1 share, mean cosine)", region,
                [Shadow(FunctionMetrics.ShadowTop1Match, "Average"), Shadow(FunctionMetrics.ShadowCosine, "Average")]);
            yield return Widget($"Shadow '{_args.ShadowVariant}': latency p50 / p95 (ms) and errors", region,
                [Shadow(FunctionMetrics.ShadowLatency, "p50"), Shadow(FunctionMetrics.ShadowLatency, "p95"), Shadow(FunctionMetrics.ShadowErrors, "Sum")]);
        }
    }

    private static Dictionary<string, object> Widget(string title, Output<string> region, object[] metrics) =>
        DashboardWidgets.Metric(title, region, "Sum", metrics);

    // A widget metric row: [namespace, name, dimension, value, ..., {options}].
    private static object[] Metric(string metricNamespace, string metric, string stat, string? id, bool visible, params object[] dimensions)
    {
        var options = new Dictionary<string, object> { ["stat"] = stat };
        if (id is not null)
        {
            options["id"] = id;
        }

        if (!visible)
        {
            options["visible"] = false;
        }

        return [metricNamespace, metric, .. dimensions, options];
    }
}
