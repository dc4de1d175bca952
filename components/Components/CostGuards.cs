using System.Globalization;
using Infra.Aws.Budgets;
using Infra.Aws.CostExplorer;
using Infra.Core;

namespace Infra.Components;

public sealed record CostGuardsArgs
{
    /// <summary>Monthly budget in USD for the resources tagged with this project and stack; null for none.</summary>
    public decimal? MonthlyBudgetUsd { get; init; }

    /// <summary>Percent of the budget the forecast may reach before notifying.</summary>
    public double ForecastAlertPercent { get; init; } = 100;

    /// <summary>Watch for cost anomalies per AWS service with Cost Anomaly Detection.</summary>
    public bool AnomalyDetection { get; init; }

    /// <summary>Smallest total impact, in USD, of an anomaly worth a notification.</summary>
    public decimal AnomalyThresholdUsd { get; init; } = 10;
}

/// <summary>
/// An AWS Budgets budget with a forecast alert, and a Cost Anomaly Detection monitor with its
/// subscription, both notifying the alarm topic. The budget counts the resources that carry this
/// stack's cost-allocation tags (activate the <c>project</c> and <c>stack</c> tags in Billing).
/// </summary>
public sealed class CostGuards : ComponentResource
{
    public CostGuards(IScope scope, string name, AlarmNotifications notifications, CostGuardsArgs args)
        : base("ml:CostGuards", scope, name)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        ArgumentNullException.ThrowIfNull(args);
        new ArgsValidation(Path)
            .Check(args.MonthlyBudgetUsd is null or > 0, nameof(args.MonthlyBudgetUsd), args.MonthlyBudgetUsd, "a positive amount of USD, or null")
            .Check(args.ForecastAlertPercent is > 0 and <= 1000, nameof(args.ForecastAlertPercent), args.ForecastAlertPercent, "a percentage above 0 and at most 1000")
            .Check(args.AnomalyThresholdUsd > 0, nameof(args.AnomalyThresholdUsd), args.AnomalyThresholdUsd, "a positive amount of USD")
            .Check(args.MonthlyBudgetUsd is not null || args.AnomalyDetection, nameof(args.MonthlyBudgetUsd), args.MonthlyBudgetUsd, "a budget, or AnomalyDetection = true: otherwise this component does nothing")
            .ThrowIfInvalid();

        if (args.MonthlyBudgetUsd is { } budget)
        {
            new Budget(this, "budget", new BudgetArgs
            {
                BudgetType = "COST",
                TimeUnit = "MONTHLY",
                LimitAmount = budget.ToString("0.##", CultureInfo.InvariantCulture),
                LimitUnit = "USD",
                CostFilters = new[]
                {
                    new BudgetCostFilterArgs
                    {
                        Name = "TagKeyValue",
                        Values = new[] { $"user:project${Stack.ProjectName}", $"user:stack${Stack.StackName}" },
                    },
                },
                Notifications = new[]
                {
                    new BudgetNotificationArgs
                    {
                        NotificationType = "FORECASTED",
                        ComparisonOperator = "GREATER_THAN",
                        Threshold = args.ForecastAlertPercent,
                        ThresholdType = "PERCENTAGE",
                        SubscriberSnsTopicArns = new[] { (Input<string>)notifications.TopicArn },
                    },
                },
            });
        }

        if (args.AnomalyDetection)
        {
            var monitor = new AnomalyMonitor(this, "anomaly-monitor", new AnomalyMonitorArgs
            {
                Name = $"{Stack.ProjectName}-{Stack.StackName}-{Path.Replace('/', '-')}",
                MonitorType = "DIMENSIONAL",
                MonitorDimension = "SERVICE",
            });
            new AnomalySubscription(this, "anomaly-subscription", new AnomalySubscriptionArgs
            {
                Name = $"{Stack.ProjectName}-{Stack.StackName}-{Path.Replace('/', '-')}",
                // SNS subscribers require immediate notifications.
                Frequency = "IMMEDIATE",
                MonitorArnLists = new[] { (Input<string>)monitor.Arn },
                Subscribers = new[] { new AnomalySubscriptionSubscriberArgs { Type = "SNS", Address = notifications.TopicArn } },
                ThresholdExpression = new AnomalySubscriptionThresholdExpressionArgs
                {
                    Dimension = new AnomalySubscriptionThresholdExpressionDimensionArgs
                    {
                        Key = "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
                        MatchOptions = new[] { "GREATER_THAN_OR_EQUAL" },
                        Values = new[] { args.AnomalyThresholdUsd.ToString("0.##", CultureInfo.InvariantCulture) },
                    },
                },
            });
        }
    }
}
