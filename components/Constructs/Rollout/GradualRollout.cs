using Infra.Aws.CloudWatch;
using Infra.Aws.Iam;
using Infra.Aws.Sfn;
using Infra.Aws.Ssm;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// Moves a function's traffic to each newly published version in steps, in AWS: <c>pulumi up</c> writes the new version
/// into an SSM parameter; SSM's own "Parameter Store Change" event (EventBridge, no CloudTrail trail needed) starts a
/// Step Functions execution that shifts traffic step by step, bakes, checks the watched alarms, and rolls back to the
/// previous version (failing the execution) when one fires. The previous version is never deleted, so rolling back
/// needs no rebuild. SSM delivers that event best-effort, so a scheduled reconciliation starts the rollout when the
/// live alias and the parameter disagree and no rollout has run since the parameter changed.
/// </summary>
public sealed class GradualRollout : ComponentResource
{
    internal GradualRollout(IScope scope, string name, InferenceFunction function, InferenceMonitoring monitoring, GradualRolloutArgs args,
        IRolloutTraffic traffic)
        : base("ml:GradualRollout", scope, name)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(monitoring);
        ArgumentNullException.ThrowIfNull(args);
        GradualRolloutArgs.Validate(new ArgsValidation(Path), "", args).ThrowIfInvalid();
        Settings = args;

        CanaryAlarms = new CanaryAlarms(this, function, monitoring, traffic).Alarms;
        AlarmNames = [.. monitoring.Alarms.Select(a => (Input<string>)a.MetricAlarmName), .. CanaryAlarms.Select(a => (Input<string>)a.MetricAlarmName), .. args.AdditionalAlarmNames];
        ParameterName = $"/{Stack.ProjectName}/{Stack.StackName}/{Path}/target-version";

        var role = new Role(this, "role", new RoleArgs
        {
            Description = $"Runs the gradual rollout of {function.Path}",
            AssumeRolePolicy = PolicyDocuments.AssumedBy("states.amazonaws.com"),
        });
        var rolePolicy = new RolePolicy(this, "role-policy", new RolePolicyArgs { Role = role.RoleName, Policy = Permissions(traffic) });

        StateMachine = new StateMachine(this, "state-machine", new StateMachineArgs
        {
            Type = "STANDARD",
            RoleArn = role.Arn,
            Definition = Output.JsonSerialize(new RolloutDefinition(args, traffic, ParameterName, AlarmNames).Build()),
        }, new CustomResourceOptions { DependsOn = [rolePolicy] });

        var eventsRole = new Role(this, "events-role", new RoleArgs
        {
            Description = $"Lets EventBridge start the gradual rollout of {function.Path}",
            AssumeRolePolicy = PolicyDocuments.AssumedBy("events.amazonaws.com"),
        });
        Reconciler = Reconciliation(function, traffic);
        var eventsPolicy = new RolePolicy(this, "events-role-policy", new RolePolicyArgs
        {
            Role = eventsRole.RoleName,
            Policy = PolicyDocuments.Of(
                PolicyDocuments.Allow("StartRollout", ["states:StartExecution"], StateMachine.Arn),
                PolicyDocuments.Allow("StartReconcile", ["states:StartExecution"], Reconciler.Arn)),
        });
        Trigger = new EventRule(this, "trigger", new EventRuleArgs
        {
            Description = $"Starts the rollout of {function.Path} when pulumi up writes a new target version",
            EventPattern = Output.JsonSerialize(new Dictionary<string, object>
            {
                ["source"] = new[] { "aws.ssm" },
                ["detail-type"] = new[] { "Parameter Store Change" },
                ["detail"] = new Dictionary<string, object>
                {
                    ["name"] = new[] { ParameterName },
                    ["operation"] = new[] { "Create", "Update" },
                },
            }),
        });
        var target = new EventTarget(this, "trigger-target", new EventTargetArgs
        {
            Rule = Trigger.EventRuleName,
            Arn = StateMachine.Arn,
            RoleArn = eventsRole.Arn,
        }, new CustomResourceOptions { DependsOn = [eventsPolicy] });
        ReconcileSchedule = new EventRule(this, "reconcile-schedule", new EventRuleArgs
        {
            Description = $"Starts the rollout of {function.Path} if its target version's change event was missed",
            ScheduleExpression = args.ReconcileInterval == TimeSpan.FromMinutes(1) ? "rate(1 minute)" : $"rate({TimeUnit.Minutes.Count(args.ReconcileInterval)} minutes)",
        });
        new EventTarget(this, "reconcile-target", new EventTargetArgs
        {
            Rule = ReconcileSchedule.EventRuleName,
            Arn = Reconciler.Arn,
            RoleArn = eventsRole.Arn,
        }, new CustomResourceOptions { DependsOn = [eventsPolicy] });

        // Written last: the rule, its target and the state machine exist before the change they react to.
        TargetVersion = new Parameter(this, "target-version", new ParameterArgs
        {
            Name = ParameterName,
            Type = "String",
            Description = $"The Lambda version the rollout of {function.Path} moves traffic to; written by pulumi up",
            Value = function.Function.Version,
        }, new CustomResourceOptions { DependsOn = [StateMachine, target] });
    }

    public GradualRolloutArgs Settings { get; }

    /// <summary>The alarms on the new version alone (Lambda's ExecutedVersion dimension).</summary>
    public IReadOnlyList<MetricAlarm> CanaryAlarms { get; }

    /// <summary>Every alarm whose ALARM state rolls the rollout back.</summary>
    public IReadOnlyList<Input<string>> AlarmNames { get; }

    /// <summary>The SSM parameter holding the version traffic moves to.</summary>
    public string ParameterName { get; }

    public Parameter TargetVersion { get; }

    public StateMachine StateMachine { get; }

    public EventRule Trigger { get; }

    /// <summary>Compares the target version with the live alias and starts a rollout whose change event was missed.</summary>
    public StateMachine Reconciler { get; }

    /// <summary>Runs <see cref="Reconciler"/> every <see cref="GradualRolloutArgs.ReconcileInterval"/>.</summary>
    public EventRule ReconcileSchedule { get; }

    public Output<string> StateMachineArn => StateMachine.Arn;

    /// <summary>
    /// The reconciliation (<see cref="ReconcileDefinition"/>): an Express state machine (a few SDK calls every few
    /// minutes) that may read the parameter and the live alias, and list and start only this rollout's executions.
    /// </summary>
    private StateMachine Reconciliation(InferenceFunction function, IRolloutTraffic traffic)
    {
        var (partition, region, account) = (Aws.AwsContext.Partition(Stack), Aws.AwsContext.Region(Stack), Aws.AwsContext.AccountId(Stack));
        var role = new Role(this, "reconcile-role", new RoleArgs
        {
            Description = $"Reconciles the gradual rollout of {function.Path} with its target version",
            AssumeRolePolicy = PolicyDocuments.AssumedBy("states.amazonaws.com"),
        });
        var policy = new RolePolicy(this, "reconcile-role-policy", new RolePolicyArgs
        {
            Role = role.RoleName,
            Policy = PolicyDocuments.Of(
                PolicyDocuments.Allow("ReadTargetVersion", ["ssm:GetParameter"], Output.Format($"arn:{partition}:ssm:{region}:{account}:parameter{ParameterName}")),
                PolicyDocuments.Allow("ReadLiveAlias", ["lambda:GetAlias"],
                    [function.FunctionArn, Output.Format($"{function.FunctionArn}:{InferenceFunction.LiveAlias}")]),
                PolicyDocuments.Allow("ListRollouts", ["states:ListExecutions"], StateMachine.Arn),
                PolicyDocuments.Allow("StartRollout", ["states:StartExecution"], StateMachine.Arn)),
        });
        return new StateMachine(this, "reconcile", new StateMachineArgs
        {
            Type = "EXPRESS",
            RoleArn = role.Arn,
            Definition = Output.JsonSerialize(new ReconcileDefinition(traffic, ParameterName, StateMachine.Arn).Build()),
        }, new CustomResourceOptions { DependsOn = [policy] });
    }

    /// <summary>Exactly what the definition calls: this parameter, these alarms, and the traffic strategy's own resources.</summary>
    private Output<string> Permissions(IRolloutTraffic traffic)
    {
        var (partition, region, account) = (Aws.AwsContext.Partition(Stack), Aws.AwsContext.Region(Stack), Aws.AwsContext.AccountId(Stack));
        InputList<string> alarmArns = [.. AlarmNames.Select(name => Output.Format($"arn:{partition}:cloudwatch:{region}:{account}:alarm:{name}"))];
        return PolicyDocuments.Of(
        [
            PolicyDocuments.Allow("ReadTargetVersion", ["ssm:GetParameter"], Output.Format($"arn:{partition}:ssm:{region}:{account}:parameter{ParameterName}")),
            PolicyDocuments.Allow("CheckAlarms", ["cloudwatch:DescribeAlarms"], alarmArns),
            .. traffic.Permissions(),
        ]);
    }
}
