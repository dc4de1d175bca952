using Infra.Components;
using Infra.Hosting;

namespace Stacks;

/// <summary>
/// The team's stacks. The stack name picks the environment's defaults; <c>Pulumi.&lt;stack&gt;.yaml</c>
/// overrides them key by key.
/// </summary>
public static class TeamStacks
{
    public static IReadOnlyList<string> Known { get; } = ["dev", "prod"];

    public static IDictionary<string, object?> Define(StackContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Known.Contains(context.StackName))
        {
            throw new Infra.Core.SynthesisException("stack", $"unknown stack '{context.StackName}': this project defines {string.Join(", ", Known)}");
        }

        var production = context.StackName == "prod";
        var config = context.Config;
        var stack = context.Stack;

        var models = new EncryptedBucket(stack, "models", new EncryptedBucketArgs
        {
            ForceDestroy = !production,
            Protect = production,
        });

        var embed = new InferenceFunction(stack, "embed", new InferenceFunctionArgs
        {
            Code = CodeDirectory.FromProject(context.Layout, ".build/function"),
            MemoryMb = config.GetInt32("memoryMb", production ? 3008 : 2048, 128, 10240),
            TimeoutSeconds = config.GetInt32("timeoutSeconds", 30, 1, 900),
            Architecture = config.GetChoice("architecture", "x86_64", "x86_64", "arm64"),
            LogRetentionDays = config.GetInt32("logRetentionDays", production ? 365 : 7, InferenceFunction.AllowedRetentionDays),
            ProvisionedConcurrency = production
                ? new ProvisionedConcurrencyScheduleArgs
                {
                    TimeZone = config.GetString("timeZone", "UTC"),
                    Weekdays = new DailyProfile { PeakMinimum = config.GetInt32("peakProvisionedConcurrency", 4, 1, 1000) },
                }
                : null,
        });

        var alarmEmail = config.GetSecret(stack, "alarmEmail");
        var alerts = new AlarmNotifications(stack, "alerts", new AlarmNotificationsArgs
        {
            EmailAddresses = alarmEmail is null ? [] : [alarmEmail],
        });
        var monitoring = new InferenceMonitoring(stack, "embed-monitoring", new InferenceMonitoringArgs
        {
            Function = embed,
            Notifications = alerts,
            ModelName = "resnet18",
            ModelVersion = "0.23.1",
            P95DurationMs = config.GetInt32("p95DurationMsThreshold", 500, 1, 900_000),
        });
        if (production)
        {
            new CostGuards(stack, "cost", alerts, new CostGuardsArgs
            {
                MonthlyBudgetUsd = config.GetInt32("monthlyBudgetUsd", 50, 1, 1_000_000),
                AnomalyDetection = true,
            });
        }

        return new Dictionary<string, object?>
        {
            ["modelBucketName"] = models.BucketName,
            ["modelKeyArn"] = models.KeyArn,
            ["functionName"] = embed.FunctionName,
            ["functionArn"] = embed.FunctionArn,
            ["liveAliasArn"] = embed.AliasArn,
            ["alarmTopicArn"] = alerts.TopicArn,
            ["dashboardUrl"] = monitoring.DashboardUrl,
        };
    }
}
