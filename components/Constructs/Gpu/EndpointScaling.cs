using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Infra.Aws.AppAutoScaling;
using Infra.Aws.CloudWatch;
using Infra.Core;
using ScalingPolicy = Infra.Aws.AppAutoScaling.Policy;

namespace Infra.Components;

/// <summary>
/// Application Auto Scaling of the endpoint's instances (<c>sagemaker:variant:DesiredInstanceCount</c>). A real-time
/// endpoint tracks invocations per instance; an asynchronous one tracks its backlog per instance and, when it may reach
/// zero, a step policy driven by the <c>HasBacklogWithoutCapacity</c> alarm starts the first instance (target tracking
/// alone scales out from zero only once the backlog exceeds its target: SageMaker developer guide, "Autoscale an
/// asynchronous endpoint"). Schedules use the provisioned-concurrency schedule's steps and its lessons: each action sets
/// both limits (the minimum alone never scales in), each peak ends at the minimum, and the target ignores the limits
/// the schedules move and is replaced with its actions when the profile changes.
/// </summary>
/// <remarks>
/// No <c>roleArn</c>: Application Auto Scaling uses its service-linked role for SageMaker
/// (AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint), which it creates on the first registration.
/// </remarks>
internal sealed class EndpointScaling
{
    public const string Dimension = "sagemaker:variant:DesiredInstanceCount";

    public EndpointScaling(ComponentResource owner, GpuInferenceEndpointArgs args, Aws.SageMaker.Endpoint endpoint)
    {
        var resourceId = Output.Format($"endpoint/{endpoint.EndpointName}/variant/{GpuInferenceEndpoint.VariantName}");
        var profile = ProfileHash(args);
        var prefix = $"{owner.Stack.StackName}-{owner.Path.Replace('/', '-')}";
        Registered = new ScalingRange(args.MinInstances, args.MaxInstances);
        Target = new Target(owner, "scaling-target", new TargetArgs
        {
            ServiceNamespace = "sagemaker",
            ScalableDimension = Dimension,
            ResourceId = resourceId,
            MinCapacity = Registered.Minimum,
            MaxCapacity = Registered.Maximum,
            Tags = new InputMap<string> { ["scaling-profile"] = profile },
        }, new CustomResourceOptions { IgnoreChanges = ["minCapacity", "maxCapacity"], ReplaceOnChanges = ["tags"], DeleteBeforeReplace = true });
        var afterTarget = new CustomResourceOptions { DependsOn = [Target] };

        var steps = args.Schedule is { } schedule
            ? ProvisionedConcurrencySchedule.Steps(args.MinInstances, args.MaxInstances, schedule.Weekdays, schedule.Weekends, tracking: true)
                .Select(step => (step.Name, Action: new ScheduledScalingAction($"{prefix}-{step.Name}-{profile}", step.Cron, schedule.TimeZone, step.Minimum, step.Maximum)))
                .ToList()
            : [];
        Actions = [.. steps.Select(s => s.Action)];
        foreach (var (step, action) in steps)
        {
            // Deregistering the target deletes its actions, so their names carry the profile hash: a new profile replaces them with it.
            new ScheduledAction(owner, $"schedule-{step}", new ScheduledActionArgs
            {
                Name = action.Name,
                ServiceNamespace = "sagemaker",
                ScalableDimension = Dimension,
                ResourceId = resourceId,
                Schedule = action.Schedule,
                Timezone = action.TimeZone,
                ScalableTargetAction = new ScheduledActionScalableTargetActionArgs { MinCapacity = action.MinCapacity, MaxCapacity = action.MaxCapacity },
            }, afterTarget);
        }

        var tracking = new PolicyTargetTrackingScalingPolicyConfigurationArgs
        {
            TargetValue = args.Asynchronous?.BacklogPerInstance ?? args.TargetInvocationsPerInstance,
            ScaleInCooldown = 600,
            ScaleOutCooldown = 120,
        };
        if (args.Asynchronous is not null)
        {
            tracking.CustomizedMetricSpecification = new PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationArgs
            {
                Namespace = EndpointAlarms.InvocationNamespace,
                MetricName = "ApproximateBacklogSizePerInstance",
                Statistic = "Average",
                Dimensions = new[]
                {
                    new PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationDimensionArgs { Name = "EndpointName", Value = endpoint.EndpointName },
                },
            };
        }
        else
        {
            tracking.PredefinedMetricSpecification = new PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs
            {
                PredefinedMetricType = "SageMakerVariantInvocationsPerInstance",
            };
        }

        new ScalingPolicy(owner, "scaling-tracking", new PolicyArgs
        {
            Name = $"{prefix}-tracking-{profile}",
            PolicyType = "TargetTrackingScaling",
            ServiceNamespace = "sagemaker",
            ScalableDimension = Dimension,
            ResourceId = resourceId,
            TargetTrackingScalingPolicyConfiguration = tracking,
        }, afterTarget);

        if (args.Asynchronous is not null && args.MinInstances == 0)
        {
            var fromZero = new ScalingPolicy(owner, "scaling-from-zero", new PolicyArgs
            {
                Name = $"{prefix}-from-zero-{profile}",
                PolicyType = "StepScaling",
                ServiceNamespace = "sagemaker",
                ScalableDimension = Dimension,
                ResourceId = resourceId,
                StepScalingPolicyConfiguration = new PolicyStepScalingPolicyConfigurationArgs
                {
                    AdjustmentType = "ChangeInCapacity",
                    MetricAggregationType = "Average",
                    Cooldown = 300,
                    StepAdjustments = new[] { new PolicyStepScalingPolicyConfigurationStepAdjustmentArgs { MetricIntervalLowerBound = "0", ScalingAdjustment = 1 } },
                },
            }, afterTarget);
            // HasBacklogWithoutCapacity is 1 while requests wait and no instance runs; its alarm runs the step policy.
            new MetricAlarm(owner, "backlog-without-capacity", new MetricAlarmArgs
            {
                AlarmDescription = $"Requests are queued and no instance runs: start one ({owner.Path}, {owner.Stack.StackName})",
                Namespace = EndpointAlarms.InvocationNamespace,
                MetricName = "HasBacklogWithoutCapacity",
                Dimensions = new InputMap<string> { ["EndpointName"] = endpoint.EndpointName },
                Statistic = "Average",
                Period = 60,
                EvaluationPeriods = 2,
                DatapointsToAlarm = 2,
                Threshold = 1,
                ComparisonOperator = "GreaterThanOrEqualToThreshold",
                TreatMissingData = "missing",
                AlarmActions = new[] { (Input<string>)fromZero.Arn },
            });
        }
    }

    public Target Target { get; }

    /// <summary>The range the target is registered with: from the minimum to the maximum (target tracking moves capacity within it).</summary>
    public ScalingRange Registered { get; }

    /// <summary>The scheduled actions as emitted, for the scaling model.</summary>
    public IReadOnlyList<ScheduledScalingAction> Actions { get; }

    private static string ProfileHash(GpuInferenceEndpointArgs args)
    {
        var schedule = args.Schedule;
        var steps = schedule is null ? [] : ProvisionedConcurrencySchedule.Steps(args.MinInstances, args.MaxInstances, schedule.Weekdays, schedule.Weekends, tracking: true);
        var text = string.Join("|", steps.Select(a => $"{a.Cron}={a.Minimum}..{a.Maximum}"))
            + $"|{args.MinInstances}|{args.MaxInstances}|{schedule?.TimeZone}|{(args.Asynchronous is null ? "realtime" : "async")}"
            + $"|{args.TargetInvocationsPerInstance.ToString(CultureInfo.InvariantCulture)}|{args.Asynchronous?.BacklogPerInstance.ToString(CultureInfo.InvariantCulture)}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
