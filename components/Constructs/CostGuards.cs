using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Infra.Aws.Budgets;
using Infra.Aws.CostExplorer;
using Infra.Core;

namespace Infra.Components;

public sealed record CostGuardsArgs
{
    /// <summary>The topic the budget alert and the anomaly subscription notify.</summary>
    public required AlarmNotifications Notifications { get; init; }

    /// <summary>Monthly budget in USD for the resources tagged with this project and stack; null for none.</summary>
    public decimal? MonthlyBudgetUsd { get; init; }

    /// <summary>Percent of the budget the forecast may reach before notifying.</summary>
    public double ForecastAlertPercent { get; init; } = 100;

    /// <summary>
    /// Watch this project's costs for anomalies with Cost Anomaly Detection: a custom monitor on the <c>project</c> cost
    /// allocation tag, or <see cref="ExistingAnomalyMonitorArn"/>, with a subscription that notifies the alarm topic.
    /// </summary>
    public bool AnomalyDetection { get; init; }

    /// <summary>
    /// Subscribe to this existing monitor instead of creating one, e.g. the account's AWS-services monitor (an account
    /// may have only one) or any monitor of a member account, where tag monitors cannot be created.
    /// </summary>
    public string? ExistingAnomalyMonitorArn { get; init; }

    /// <summary>Smallest total impact, in USD, of an anomaly worth a notification.</summary>
    public decimal AnomalyThresholdUsd { get; init; } = 10;
}

/// <summary>
/// An AWS Budgets budget with a forecast alert, and a Cost Anomaly Detection monitor with its
/// subscription, both notifying the alarm topic. The budget counts the resources that carry both of this
/// stack's cost allocation tags, <c>project</c> and <c>stack</c>, which must be activated in Billing (preview lists it).
/// </summary>
public sealed partial class CostGuards : ComponentResource
{
    public const string AnomalyMonitorArnRules = "an anomaly monitor ARN, arn:aws:ce::<account id>:anomalymonitor/<id> (`aws ce get-anomaly-monitors` lists them)";

    /// <summary>The stack tags (see <see cref="Stack"/>) that identify this stack's costs.</summary>
    private const string ProjectTag = "project";
    private const string StackTag = "stack";

    public static bool IsAnomalyMonitorArn(string? arn) => arn is not null && AnomalyMonitorArn().IsMatch(arn);

    public CostGuards(IScope scope, string name, CostGuardsArgs args, ComponentResourceOptions? options = null)
        : base("ml:CostGuards", scope, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var notifications = args.Notifications ?? throw new ArgumentNullException(nameof(args), "CostGuardsArgs.Notifications");
        new ArgsValidation(Path)
            .Check(args.MonthlyBudgetUsd is null or > 0, nameof(args.MonthlyBudgetUsd), args.MonthlyBudgetUsd, "a positive amount of USD, or null")
            .Check(args.ForecastAlertPercent is > 0 and <= 1000, nameof(args.ForecastAlertPercent), args.ForecastAlertPercent, "a percentage above 0 and at most 1000")
            .Check(args.AnomalyThresholdUsd > 0, nameof(args.AnomalyThresholdUsd), args.AnomalyThresholdUsd, "a positive amount of USD")
            .Check(args.MonthlyBudgetUsd is not null || args.AnomalyDetection, nameof(args.MonthlyBudgetUsd), args.MonthlyBudgetUsd, "a budget, or AnomalyDetection = true: otherwise this component does nothing")
            .Check(args.ExistingAnomalyMonitorArn is null || IsAnomalyMonitorArn(args.ExistingAnomalyMonitorArn), nameof(args.ExistingAnomalyMonitorArn), args.ExistingAnomalyMonitorArn, AnomalyMonitorArnRules)
            .Check(args.ExistingAnomalyMonitorArn is null || args.AnomalyDetection, nameof(args.ExistingAnomalyMonitorArn), args.ExistingAnomalyMonitorArn, "null unless AnomalyDetection = true")
            .ThrowIfInvalid();

        if (args.MonthlyBudgetUsd is { } budget)
        {
            new Budget(this, "budget", new BudgetArgs
            {
                BudgetType = "COST",
                TimeUnit = "MONTHLY",
                LimitAmount = budget.ToString("0.##", CultureInfo.InvariantCulture),
                LimitUnit = "USD",
                // Values in one TagKeyValue cost filter are OR'ed, which would count every resource of the project and
                // every stack of that name. An expression ANDs the two tags; it excludes costFilters and needs metrics.
                Metrics = "UnblendedCost",
                FilterExpression = new BudgetFilterExpressionArgs
                {
                    Ands = new[] { TagIs(ProjectTag, Stack.ProjectName), TagIs(StackTag, Stack.StackName) },
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
            var monitorArn = args.ExistingAnomalyMonitorArn is { } existing ? (Input<string>)existing : TagMonitor().Arn;
            new AnomalySubscription(this, "anomaly-subscription", new AnomalySubscriptionArgs
            {
                Name = $"{Stack.ProjectName}-{Stack.StackName}-{Path.Replace('/', '-')}",
                // SNS subscribers require immediate notifications.
                Frequency = "IMMEDIATE",
                MonitorArnLists = new[] { monitorArn },
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

        RequireActivatedTags(args);
    }

    private static BudgetFilterExpressionAndArgs TagIs(string key, string value) =>
        new() { Tags = new BudgetFilterExpressionAndTagsArgs { Key = key, Values = new[] { value } } };

    /// <summary>
    /// A custom monitor of the costs tagged with this project. An account may have only one AWS-services (DIMENSIONAL)
    /// monitor, and many accounts already have it; custom monitors are counted separately (up to 500 per account).
    /// A tag monitor watches one tag key, so it covers the project's stacks in this account.
    /// </summary>
    private AnomalyMonitor TagMonitor()
    {
        var specification = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Tags"] = new Dictionary<string, object> { ["Key"] = ProjectTag, ["Values"] = new[] { Stack.ProjectName } },
        });
        var monitor = new AnomalyMonitor(this, "anomaly-monitor", new AnomalyMonitorArgs
        {
            Name = $"{Stack.ProjectName}-{Stack.StackName}-{Path.Replace('/', '-')}",
            MonitorType = "CUSTOM",
            MonitorSpecification = specification,
        });
        Stack.Require(this, new Prerequisite("anomaly-monitor", "Cost Anomaly Detection monitor", PrerequisiteOwner.ThisStack,
            $"{Path} creates a custom monitor on the '{ProjectTag}' tag; AWS creates tag monitors only in an organization's management account " +
            "or a standalone account: in a member account, subscribe to an existing monitor instead"));
        return monitor;
    }

    private void RequireActivatedTags(CostGuardsArgs args)
    {
        if (args.ExistingAnomalyMonitorArn is { } arn)
        {
            Stack.Require(this, new Prerequisite("anomaly-monitor", "Cost Anomaly Detection monitor", PrerequisiteOwner.Account,
                $"expected to exist: {arn} (`aws ce get-anomaly-monitors` lists this account's monitors)"));
        }

        // The budget filters on both tags, the tag monitor on the project tag; an existing monitor has its own scope.
        var tags = args.MonthlyBudgetUsd is not null ? new[] { ProjectTag, StackTag }
            : args.ExistingAnomalyMonitorArn is null ? new[] { ProjectTag }
            : [];
        if (tags.Length == 0)
        {
            return;
        }

        Stack.Require(this, new Prerequisite("cost-allocation-tags", "cost allocation tags activated", PrerequisiteOwner.Account,
            $"activate {string.Join(" and ", tags.Select(t => $"'{t}'"))} (Billing console, Cost allocation tags, or " +
            $"`aws ce update-cost-allocation-tags-status --cost-allocation-tags-status {string.Join(" ", tags.Select(t => $"TagKey={t},Status=Active"))}`) " +
            "from the management account or a standalone account; a key is offered only once a resource carries it (up to 24 h after the first deploy), " +
            "and until it is active the budget and the tag monitor see no costs"));
    }

    [GeneratedRegex(@"^arn:aws(-[a-z]+)*:ce::[0-9]{12}:anomalymonitor/[A-Za-z0-9-]+$")]
    private static partial Regex AnomalyMonitorArn();
}
