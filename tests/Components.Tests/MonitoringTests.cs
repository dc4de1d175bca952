using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;
using Infra.Testing;

namespace Components.Tests;

public class MonitoringTests
{
    private static readonly CodeDirectory Code = new("fn", "/nonexistent");

    private static StackTemplate SynthMonitoring(Func<InferenceFunction, InferenceMonitoringArgs> args, ProvisionedConcurrencyScheduleArgs? schedule = null)
    {
        var stack = new Stack("proj", "dev");
        var function = new InferenceFunction(stack, "embed", new InferenceFunctionArgs { Code = Code, ProvisionedConcurrency = schedule, Memory = DataSize.FromMebibytes(2048) });
        var monitoring = new InferenceMonitoring(stack, "embed-monitoring", args(function));
        stack.Export("dashboardUrl", monitoring.DashboardUrl);
        return StackTemplate.FromStack(stack);
    }

    private static InferenceMonitoringArgs Defaults(InferenceFunction function) =>
        new() { Function = function, ModelName = "resnet18", ModelVersion = "1.0.0" };

    private static IEnumerable<string> AlarmNames(StackTemplate template) =>
        ((OrderedMap)template.At("resources")!).Where(r => (string?)ProgramValues.At(r.Value, "type") == "aws:cloudwatch/metricAlarm:MetricAlarm").Select(r => r.Key);

    [Fact]
    public void The_default_alarms_cover_errors_latency_throttles_and_cold_starts_and_notify_an_encrypted_topic()
    {
        var template = SynthMonitoring(Defaults);

        Assert.Equal(["embed-monitoring-cold-start-rate", "embed-monitoring-error-rate", "embed-monitoring-p95-duration", "embed-monitoring-throttles"], AlarmNames(template).Order());
        Assert.Equal("${embed-monitoring-notifications-topic.arn}", template.Property("embed-monitoring-throttles", "alarmActions", 0));
        Assert.Equal("${embed-monitoring-notifications-topic.arn}", template.Property("embed-monitoring-throttles", "okActions", 0));
        Assert.Equal("${embed-monitoring-notifications-key.arn}", template.Property("embed-monitoring-notifications-topic", "kmsMasterKeyId"));
        Assert.Contains("cloudwatch.amazonaws.com", (List<object?>)template.Property("embed-monitoring-notifications-key", "policy", "fn::toJSON", "Statement", 1, "Principal", "Service")!);
    }

    [Fact]
    public void The_error_rate_alarm_is_metric_math_of_errors_over_invocations_on_the_live_alias()
    {
        var template = SynthMonitoring(Defaults);
        var queries = (List<object?>)template.Property("embed-monitoring-error-rate", "metricQueries")!;

        Assert.Equal(1m, template.Property("embed-monitoring-error-rate", "threshold"));
        Assert.Equal("Errors", ProgramValues.At(queries[0], "metric", "metricName"));
        Assert.Equal("Invocations", ProgramValues.At(queries[1], "metric", "metricName"));
        Assert.Equal("${embed-function.name}:live", ProgramValues.At(queries[0], "metric", "dimensions", "Resource"));
        Assert.Equal("IF(denominator > 0, 100 * numerator / denominator, 0)", ProgramValues.At(queries[2], "expression"));
        Assert.Equal(true, ProgramValues.At(queries[2], "returnData"));
        Assert.False(template.Has("resources", "embed-monitoring-error-rate", "properties", "period"));
    }

    [Fact]
    public void Latency_throttle_and_cold_start_alarms_use_the_configured_thresholds_and_the_function_emf_metric()
    {
        var template = SynthMonitoring(f => Defaults(f) with { P95Duration = TimeSpan.FromMilliseconds(300), ColdStartRatePercent = 2 });

        Assert.Equal("p95", template.Property("embed-monitoring-p95-duration", "extendedStatistic"));
        Assert.Equal(300m, template.Property("embed-monitoring-p95-duration", "threshold"));
        Assert.Equal(0m, template.Property("embed-monitoring-throttles", "threshold"));
        Assert.Equal("GreaterThanThreshold", template.Property("embed-monitoring-throttles", "comparisonOperator"));
        Assert.Equal(2m, template.Property("embed-monitoring-cold-start-rate", "threshold"));
        var cold = template.Property("embed-monitoring-cold-start-rate", "metricQueries", 0, "metric");
        Assert.Equal("ServerlessInference", ProgramValues.At(cold, "namespace"));
        Assert.Equal("ColdStart", ProgramValues.At(cold, "metricName"));
        Assert.Equal("resnet18", ProgramValues.At(cold, "dimensions", "Model"));
        Assert.Equal("1.0.0", ProgramValues.At(cold, "dimensions", "ModelVersion"));
    }

    [Fact]
    public void Spillover_is_alarmed_only_with_provisioned_concurrency_and_api_rates_only_with_an_api()
    {
        Assert.DoesNotContain("embed-monitoring-spillover", AlarmNames(SynthMonitoring(Defaults)));

        var template = SynthMonitoring(f => Defaults(f) with { Api = new ApiMetrics("inference-api", "v1") }, new ProvisionedConcurrencyScheduleArgs());

        Assert.Contains("embed-monitoring-spillover", AlarmNames(template));
        Assert.Equal("5XXError", template.Property("embed-monitoring-api-5xx-rate", "metricQueries", 0, "metric", "metricName"));
        Assert.Equal("v1", template.Property("embed-monitoring-api-5xx-rate", "metricQueries", 0, "metric", "dimensions", "Stage"));
        Assert.Equal(10m, template.Property("embed-monitoring-api-4xx-rate", "threshold"));
    }

    [Fact]
    public void The_dashboard_shows_the_required_widgets_including_cost_per_thousand_predictions()
    {
        var template = SynthMonitoring(f => Defaults(f) with { ExtraWidgets = [new Dictionary<string, object> { ["type"] = "log", ["width"] = 24 }] },
            new ProvisionedConcurrencyScheduleArgs());
        var widgets = (List<object?>)template.Property("embed-monitoring-dashboard", "dashboardBody", "fn::toJSON", "widgets")!;
        var titles = widgets.Take(8).Select(w => (string?)ProgramValues.At(w, "properties", "title")).ToList();

        Assert.Equal(
        [
            "Invocations and errors", "Duration p50 / p95 / p99 (ms)", "Cold starts", "Throttles",
            "Provisioned concurrency utilization", "Predictions", "Cost per 1,000 predictions (USD, list price)", "Accuracy from feedback (%)",
        ], titles);
        var cost = (string)ProgramValues.At(widgets[6], "properties", "metrics", 3, 0, "expression")!;
        Assert.Equal("IF(pred > 0, 1000 * (inv * 0.0000002 + dur / 1000 * 2 * 0.0000166667) / pred, 0)", cost);
        Assert.Equal("log", ProgramValues.At(widgets[8], "type"));
        Assert.Equal(0L, ProgramValues.At(widgets[8], "x"));
        Assert.Contains("#dashboards:name=${embed-monitoring-dashboard.dashboardName}", (string)template.At("outputs", "dashboardUrl")!, StringComparison.Ordinal);
    }

    [Fact]
    public void Provisioned_concurrency_utilization_is_graphed_only_for_a_function_that_has_provisioned_concurrency()
    {
        static List<string?> Titles(StackTemplate template) =>
            [.. ((List<object?>)template.Property("embed-monitoring-dashboard", "dashboardBody", "fn::toJSON", "widgets")!).Select(w => (string?)ProgramValues.At(w, "properties", "title"))];

        Assert.DoesNotContain("Provisioned concurrency utilization", Titles(SynthMonitoring(Defaults)));
        Assert.Contains("Provisioned concurrency utilization", Titles(SynthMonitoring(Defaults, new ProvisionedConcurrencyScheduleArgs())));
    }

    [Fact]
    public void Subscriptions_may_be_secrets_and_reach_the_topic()
    {
        var stack = new Stack("proj", "dev");
        var email = stack.ConfigReference<string>("alarmEmail", "string", secret: true);
        new AlarmNotifications(stack, "alerts", new AlarmNotificationsArgs { EmailAddresses = [email], HttpsEndpoints = ["https://hooks.example.com/x"] });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("${alarmEmail}", template.Property("alerts-email-1", "endpoint"));
        Assert.Equal("email", template.Property("alerts-email-1", "protocol"));
        Assert.Equal("https", template.Property("alerts-https-1", "protocol"));
        Assert.Equal("${alerts-topic.arn}", template.Property("alerts-email-1", "topic"));
        Assert.Equal("${aws-caller-identity.accountId}", template.Property("alerts-topic-policy", "policy", "fn::toJSON", "Statement", 0, "Condition", "StringEquals", "aws:SourceAccount"));
    }

    [Fact]
    public void Thresholds_are_validated_with_the_component_and_key()
    {
        var error = Assert.Throws<SynthesisException>(() => SynthMonitoring(f => Defaults(f) with { ErrorRatePercent = 0, Period = TimeSpan.FromSeconds(45) }));

        Assert.Contains("component 'embed-monitoring': ErrorRatePercent = 0 is invalid: expected a percentage above 0 and at most 100", error.Message, StringComparison.Ordinal);
        Assert.Contains("Period = 45 seconds is invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cost_guards_add_a_tag_filtered_budget_with_a_forecast_alert_and_an_anomaly_subscription()
    {
        var stack = new Stack("proj", "prod");
        var alerts = new AlarmNotifications(stack, "alerts");
        new CostGuards(stack, "cost", new CostGuardsArgs { Notifications = alerts, MonthlyBudgetUsd = 50, AnomalyDetection = true, AnomalyThresholdUsd = 5 });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("50", template.Property("cost-budget", "limitAmount"));
        Assert.Equal("FORECASTED", template.Property("cost-budget", "notifications", 0, "notificationType"));
        Assert.Equal("${alerts-topic.arn}", template.Property("cost-budget", "notifications", 0, "subscriberSnsTopicArns", 0));
        Assert.Equal("project", template.Property("cost-budget", "filterExpression", "ands", 0, "tags", "key"));
        Assert.Equal("prod", template.Property("cost-budget", "filterExpression", "ands", 1, "tags", "values", 0));
        Assert.Equal("CUSTOM", template.Property("cost-anomaly-monitor", "monitorType"));
        Assert.Equal("IMMEDIATE", template.Property("cost-anomaly-subscription", "frequency"));
        Assert.Equal("${cost-anomaly-monitor.arn}", template.Property("cost-anomaly-subscription", "monitorArnLists", 0));
        Assert.Equal("5", template.Property("cost-anomaly-subscription", "thresholdExpression", "dimension", "values", 0));

        Assert.Throws<SynthesisException>(() => new CostGuards(new Stack("proj", "dev"), "cost", new CostGuardsArgs { Notifications = new AlarmNotifications(new Stack("proj", "dev"), "a") }));
    }

    [Fact]
    public void Cost_guards_subscribe_to_an_existing_monitor_and_declare_what_the_account_must_have()
    {
        const string arn = "arn:aws:ce::123456789012:anomalymonitor/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
        var stack = new Stack("proj", "prod");
        new CostGuards(stack, "cost", new CostGuardsArgs { Notifications = new AlarmNotifications(stack, "alerts"), MonthlyBudgetUsd = 50, AnomalyDetection = true, ExistingAnomalyMonitorArn = arn });

        var template = StackTemplate.FromStack(stack);

        Assert.False(template.Has("resources", "cost-anomaly-monitor"));
        Assert.Equal(arn, template.Property("cost-anomaly-subscription", "monitorArnLists", 0));
        Assert.Equal(
            [("anomaly-monitor", PrerequisiteOwner.Account), ("cost-allocation-tags", PrerequisiteOwner.Account)],
            stack.Prerequisites.Select(p => (p.Id, p.Owner)));
        Assert.Contains("TagKey=project,Status=Active TagKey=stack,Status=Active", stack.Prerequisites[1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_monitor_arn_or_one_without_anomaly_detection_is_refused_with_the_component_and_key()
    {
        var stack = new Stack("proj", "prod");
        var alerts = new AlarmNotifications(stack, "alerts");

        var malformed = Assert.Throws<SynthesisException>(() => new CostGuards(stack, "cost", new CostGuardsArgs { Notifications = alerts, AnomalyDetection = true, ExistingAnomalyMonitorArn = "monitor-1" }));
        var unused = Assert.Throws<SynthesisException>(() => new CostGuards(stack, "cost2",
            new CostGuardsArgs { Notifications = alerts, MonthlyBudgetUsd = 5, ExistingAnomalyMonitorArn = "arn:aws:ce::123456789012:anomalymonitor/abc" }));

        Assert.Contains("component 'cost': ExistingAnomalyMonitorArn = 'monitor-1' is invalid: expected an anomaly monitor ARN", malformed.Message, StringComparison.Ordinal);
        Assert.Contains("ExistingAnomalyMonitorArn = 'arn:aws:ce::123456789012:anomalymonitor/abc' is invalid: expected null unless AnomalyDetection = true", unused.Message, StringComparison.Ordinal);
    }
}
