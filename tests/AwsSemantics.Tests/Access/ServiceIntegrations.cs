using System.Text.Json.Nodes;
using AwsSemantics.Tests.Capture;
using AwsSemantics.Tests.Simulation;
using Infra.Testing.Access.Simulation;
using Infra.Testing.Access;

namespace AwsSemantics.Tests.Access;

/// <summary>
/// The calls AWS services make for the stack after deploy, read generically from the program: S3 event notifications
/// to SQS, alarms / budgets / cost anomaly subscriptions / EventBridge rules publishing to SNS, EventBridge and
/// EventBridge Scheduler starting targets with their roles, Lambda polling SQS and sending to destinations with the
/// function's role, CloudWatch Logs encrypting log groups, and the services assuming their roles. Each includes the
/// KMS calls an encrypted queue, topic or log group needs.
/// </summary>
public sealed class ServiceIntegrations(StackPolicies access)
{
    private readonly Authorizations _authorizations = new(access);
    private readonly Dictionary<string, object> _none = [];

    private DeployedOutputsView O => new(access);

    public IEnumerable<AccessRequest> All() =>
        S3Notifications().Concat(SnsPublishers()).Concat(EventTargets()).Concat(QueuePolling()).Concat(Destinations()).Concat(LogGroups()).Concat(RoleTrust());

    public IEnumerable<AccessRequest> S3Notifications()
    {
        foreach (var notification in access.Resources("aws:s3/bucketNotification:BucketNotification"))
        {
            var bucket = O.Text(notification, "bucket");
            foreach (var queue in O.List(notification, "queues"))
            {
                var queueArn = (string)queue!["queueArn"]!;
                var source = new Dictionary<string, object> { ["aws:SourceArn"] = $"arn:aws:s3:::{bucket}", ["aws:SourceAccount"] = StackPolicies.Account };
                foreach (var request in ToQueue($"S3 notification of {bucket}", Caller.Service("s3.amazonaws.com"), queueArn, source))
                {
                    yield return request;
                }
            }

            if (O.List(notification, "topics").Any() || O.List(notification, "lambdaFunctions").Any())
            {
                throw new InvalidOperationException($"{notification}: S3 notifications to SNS or Lambda are not modelled yet");
            }
        }
    }

    /// <summary>Every SNS topic some service publishes to: alarms (cloudwatch), budgets, cost anomaly subscriptions (costalerts), rules (events).</summary>
    public IEnumerable<AccessRequest> SnsPublishers()
    {
        foreach (var alarm in access.Resources("aws:cloudwatch/metricAlarm:MetricAlarm").Concat(access.Resources("aws:cloudwatch/compositeAlarm:CompositeAlarm")))
        {
            var actions = new[] { "alarmActions", "okActions", "insufficientDataActions" }.SelectMany(a => O.List(alarm, a)).Select(a => (string)a!).Distinct();
            foreach (var topic in actions.Where(a => a.StartsWith("arn:aws:sns:", StringComparison.Ordinal)))
            {
                foreach (var request in ToTopic($"alarm {alarm}", "cloudwatch.amazonaws.com", topic, O.Text(alarm, "arn")))
                {
                    yield return request;
                }
            }
        }

        foreach (var budget in access.Resources("aws:budgets/budget:Budget"))
        {
            foreach (var topic in O.List(budget, "notifications").SelectMany(n => n!["subscriberSnsTopicArns"] as JsonArray ?? []).Select(t => (string)t!).Distinct())
            {
                foreach (var request in ToTopic($"budget {budget}", "budgets.amazonaws.com", topic, O.Text(budget, "arn")))
                {
                    yield return request;
                }
            }
        }

        foreach (var subscription in access.Resources("aws:costexplorer/anomalySubscription:AnomalySubscription"))
        {
            foreach (var topic in O.List(subscription, "subscribers").Where(s => (string?)s!["type"] == "SNS").Select(s => (string)s!["address"]!))
            {
                foreach (var request in ToTopic($"anomaly subscription {subscription}", "costalerts.amazonaws.com", topic, O.Text(subscription, "arn")))
                {
                    yield return request;
                }
            }
        }
    }

    /// <summary>EventBridge rule targets and Scheduler schedules: the service assumes the target's role and calls the target with it.</summary>
    public IEnumerable<AccessRequest> EventTargets()
    {
        var targets = access.Resources("aws:cloudwatch/eventTarget:EventTarget")
            .Select(t => (Name: t, Arn: O.Text(t, "arn"), Role: (string?)access.Outputs.Inputs(t)["roleArn"], Service: "events.amazonaws.com",
                Source: access.Outputs.Output(access.Resources("aws:cloudwatch/eventRule:EventRule").Single(r => access.Outputs.Output(r, "name") == O.Text(t, "rule")), "arn")))
            .Concat(access.Resources("aws:scheduler/schedule:Schedule")
                .Select(s => (Name: s, Arn: (string)access.Outputs.Inputs(s)["target"]!["arn"]!, Role: (string?)access.Outputs.Inputs(s)["target"]!["roleArn"], Service: "scheduler.amazonaws.com", Source: O.Text(s, "arn"))));
        foreach (var (name, arn, role, service, source) in targets)
        {
            var targetService = arn.Split(':')[2];
            if (targetService == "sns")
            {
                foreach (var request in ToTopic($"{service} target {name}", service, arn, source))
                {
                    yield return request;
                }

                continue;
            }

            if (role is null)
            {
                throw new InvalidOperationException($"{name}: a {targetService} target without a role is not modelled (Lambda targets need the function policy)");
            }

            var action = targetService switch
            {
                "states" => "states:StartExecution",
                "lambda" => "lambda:InvokeFunction",
                "sqs" => "sqs:SendMessage",
                _ => throw new InvalidOperationException($"{name}: targets of {targetService} are not modelled"),
            };
            yield return _authorizations.For($"{service} target {name} with its role", Caller.Role(access, role), new ServiceCall("target", action, arn, _none)).Single();
        }
    }

    /// <summary>Lambda's pollers read an SQS event source with the function's execution role.</summary>
    public IEnumerable<AccessRequest> QueuePolling()
    {
        foreach (var mapping in access.Resources("aws:lambda/eventSourceMapping:EventSourceMapping"))
        {
            var source = O.Text(mapping, "eventSourceArn");
            if (!source.StartsWith("arn:aws:sqs:", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{mapping}: event sources other than SQS are not modelled");
            }

            var role = Caller.Role(access, FunctionRole(O.Text(mapping, "functionName")));
            foreach (var action in new[] { "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility" })
            {
                yield return _authorizations.For($"Lambda polls {mapping}", role, new ServiceCall("poll", action, source, _none)).Single();
            }

            if (QueueKey(source) is { } key)
            {
                yield return _authorizations.Kms($"Lambda polls {mapping}: SQS", role, "kms:Decrypt", key, "sqs", new Dictionary<string, object> { ["kms:EncryptionContext:aws:sqs:arn"] = source });
            }

            foreach (var destination in Strings(access.Outputs.Inputs(mapping)["destinationConfig"]?["onFailure"]?["destinationArn"]))
            {
                foreach (var request in ToDestination($"{mapping} on-failure destination", role, destination))
                {
                    yield return request;
                }
            }
        }
    }

    /// <summary>Asynchronous invocation destinations and dead-letter targets, which Lambda sends to with the function's role.</summary>
    public IEnumerable<AccessRequest> Destinations()
    {
        foreach (var config in access.Resources("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"))
        {
            var role = Caller.Role(access, FunctionRole(O.Text(config, "functionName")));
            var destinations = access.Outputs.Inputs(config)["destinationConfig"];
            foreach (var destination in Strings(destinations?["onFailure"]?["destination"]).Concat(Strings(destinations?["onSuccess"]?["destination"])))
            {
                foreach (var request in ToDestination($"{config} destination", role, destination))
                {
                    yield return request;
                }
            }
        }

        foreach (var function in access.Resources("aws:lambda/function:Function"))
        {
            foreach (var target in Strings(access.Outputs.Inputs(function)["deadLetterConfig"]?["targetArn"]))
            {
                foreach (var request in ToDestination($"{function} dead-letter target", Caller.Role(access, O.Text(function, "role")), target))
                {
                    yield return request;
                }
            }
        }
    }

    /// <summary>Encrypted log groups: CloudWatch Logs uses the key itself (its key policy), with the log group in the encryption context.</summary>
    public IEnumerable<AccessRequest> LogGroups()
    {
        foreach (var group in access.Resources("aws:cloudwatch/logGroup:LogGroup"))
        {
            if ((string?)access.Outputs.Inputs(group)["kmsKeyId"] is not { } key)
            {
                continue;
            }

            var arn = O.Text(group, "arn");
            foreach (var action in new[] { "kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt", "kms:DescribeKey" })
            {
                yield return _authorizations.Kms($"CloudWatch Logs writes {group}:", Caller.Service($"logs.{access.Region}.amazonaws.com"), action, access.KeyArn(key), "logs",
                    new Dictionary<string, object> { ["kms:EncryptionContext:aws:logs:arn"] = arn, ["aws:SourceAccount"] = StackPolicies.Account });
            }
        }

        // Each function writes its log streams with its role (the runtime's CreateLogStream / PutLogEvents).
        foreach (var function in access.Resources("aws:lambda/function:Function"))
        {
            var groupName = (string?)access.Outputs.Inputs(function)["loggingConfig"]?["logGroup"] ?? $"/aws/lambda/{O.Text(function, "name")}";
            var stream = $"arn:aws:logs:{access.Region}:{StackPolicies.Account}:log-group:{groupName}:log-stream:2026/12/07/[$LATEST]0123456789abcdef";
            foreach (var action in new[] { "logs:CreateLogStream", "logs:PutLogEvents" })
            {
                yield return _authorizations.For($"{function} writes its logs", Caller.Role(access, O.Text(function, "role")), new ServiceCall("log", action, stream, _none)).Single();
            }
        }
    }

    /// <summary>Each service assumes the roles it runs with: functions (lambda), state machines (states), rule and schedule targets.</summary>
    public IEnumerable<AccessRequest> RoleTrust()
    {
        var uses = access.Resources("aws:lambda/function:Function").Select(f => (O.Text(f, "role"), "lambda.amazonaws.com", f))
            .Concat(access.Resources("aws:sfn/stateMachine:StateMachine").Select(m => (O.Text(m, "roleArn"), "states.amazonaws.com", m)))
            .Concat(access.Resources("aws:cloudwatch/eventTarget:EventTarget").Where(t => access.Outputs.Inputs(t)["roleArn"] is not null).Select(t => (O.Text(t, "roleArn"), "events.amazonaws.com", t)))
            .Concat(access.Resources("aws:scheduler/schedule:Schedule").Select(s => ((string)access.Outputs.Inputs(s)["target"]!["roleArn"]!, "scheduler.amazonaws.com", s)));
        foreach (var (roleArn, service, user) in uses)
        {
            var role = access.RoleNamed(roleArn);
            yield return new AccessRequest($"{service} assumes {role} for {user}", service, "sts:AssumeRole", roleArn, StackPolicies.Account,
                new Dictionary<string, object> { ["aws:SecureTransport"] = "true", ["aws:SourceAccount"] = StackPolicies.Account }, [], access.TrustPolicy(role));
        }
    }

    private IEnumerable<AccessRequest> ToDestination(string description, Caller role, string destination)
    {
        var service = destination.Split(':')[2];
        return service switch
        {
            "sqs" => ToQueue(description, role, destination, _none),
            "sns" => ToTopicAs(description, role, destination, _none),
            "lambda" => _authorizations.For(description, role, new ServiceCall("invoke", "lambda:InvokeFunction", destination, _none)),
            "events" => _authorizations.For(description, role, new ServiceCall("put", "events:PutEvents", destination, _none)),
            _ => throw new InvalidOperationException($"{description}: destinations of {service} are not modelled"),
        };
    }

    private IEnumerable<AccessRequest> ToQueue(string description, Caller caller, string queueArn, IReadOnlyDictionary<string, object> context)
    {
        yield return _authorizations.For(description, caller, new ServiceCall("SendMessage", "sqs:SendMessage", queueArn, context)).Single();
        if (QueueKey(queueArn) is { } key)
        {
            // Sending to an SSE-KMS queue needs GenerateDataKey and Decrypt on its key (SQS documentation).
            foreach (var action in new[] { "kms:GenerateDataKey", "kms:Decrypt" })
            {
                yield return _authorizations.Kms($"{description}: SQS", caller, action, key, "sqs",
                    new Dictionary<string, object>(context) { ["kms:EncryptionContext:aws:sqs:arn"] = queueArn });
            }
        }
    }

    private IEnumerable<AccessRequest> ToTopic(string description, string service, string topicArn, string sourceArn) =>
        ToTopicAs(description, Caller.Service(service), topicArn, new Dictionary<string, object> { ["aws:SourceArn"] = sourceArn, ["aws:SourceAccount"] = StackPolicies.Account });

    private IEnumerable<AccessRequest> ToTopicAs(string description, Caller caller, string topicArn, IReadOnlyDictionary<string, object> context)
    {
        yield return _authorizations.For(description, caller, new ServiceCall("Publish", "sns:Publish", topicArn, context)).Single();
        var topic = access.Resources("aws:sns/topic:Topic").SingleOrDefault(t => access.Outputs.Output(t, "arn") == topicArn)
            ?? throw new InvalidOperationException($"{description}: {topicArn} is no topic of the stack");
        if ((string?)access.Outputs.Inputs(topic)["kmsMasterKeyId"] is { } key)
        {
            foreach (var action in new[] { "kms:GenerateDataKey", "kms:Decrypt" })
            {
                yield return _authorizations.Kms($"{description}: SNS", caller, action, access.KeyArn(key), "sns",
                    new Dictionary<string, object>(context) { ["kms:EncryptionContext:aws:sns:topicArn"] = topicArn });
            }
        }
    }

    private string? QueueKey(string queueArn)
    {
        var queue = access.Resources("aws:sqs/queue:Queue").SingleOrDefault(q => access.Outputs.Output(q, "arn") == queueArn)
            ?? throw new InvalidOperationException($"{queueArn} is no queue of the stack");
        return (string?)access.Outputs.Inputs(queue)["kmsMasterKeyId"] is { } key ? access.KeyArn(key) : null;
    }

    /// <summary>The execution role of the function a mapping or config names (by name, ARN or alias ARN).</summary>
    private string FunctionRole(string reference)
    {
        var function = access.Resources("aws:lambda/function:Function").SingleOrDefault(f =>
            reference == O.Text(f, "name") || reference == O.Text(f, "arn") || reference.StartsWith(O.Text(f, "arn") + ":", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"no function of the stack is '{reference}'");
        return O.Text(function, "role");
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node is null ? [] : [(string)node!];

    /// <summary>Short reads of evaluated values.</summary>
    private readonly struct DeployedOutputsView(StackPolicies access)
    {
        public string Text(string resource, string property) =>
            (string?)access.Outputs.Inputs(resource)[property] ?? access.Outputs.Output(resource, property);

        public IEnumerable<JsonNode?> List(string resource, string property) => access.Outputs.Inputs(resource)[property] as JsonArray ?? [];
    }
}
