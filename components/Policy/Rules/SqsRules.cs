using Infra.Core;

namespace Infra.Policy.Rules;

public sealed class SqsEncryptionRule : PolicyRule
{
    public override string Id => "SQS-ENCRYPTION";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "queue messages carry object keys, payloads and failed events; unencrypted they sit readable in the service for up to 14 days";

    public override string Fix => "set kmsMasterKeyId to a rotating key (needed anyway when S3 or SNS send to the queue), or sqsManagedSseEnabled: true";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var queue in graph.OfType(Aws.Sqs.Queue.PulumiType))
        {
            if (!graph.Input(queue, "kmsMasterKeyId").IsSet() && !graph.Input(queue, "sqsManagedSseEnabled").IsTrue())
            {
                yield return Finding(queue, "the queue is not encrypted (neither kmsMasterKeyId nor sqsManagedSseEnabled is set)");
            }
        }
    }
}

public sealed class SqsDeadLetterRule : PolicyRule
{
    public override string Id => "SQS-DLQ";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "without a dead-letter queue a poison message is retried until its retention ends and then silently dropped, with no record of the failed input";

    public override string Fix => "set redrivePolicy to {deadLetterTargetArn: <dlq arn>, maxReceiveCount: 3..5} (fn::toJSON), with an alarm on the dead-letter queue's visible messages";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var queues = graph.OfType(Aws.Sqs.Queue.PulumiType).ToList();
        foreach (var queue in queues)
        {
            if (!graph.Input(queue, "redrivePolicy").JsonDocumentOf().At("deadLetterTargetArn").IsSet() && !IsDeadLetterQueue(graph, queues, queue))
            {
                yield return Finding(queue, "the queue has no dead-letter queue (redrivePolicy) and is not the dead-letter queue or failure destination of anything");
            }
        }
    }

    private static bool IsDeadLetterQueue(ResourceGraph graph, List<Resource> queues, Resource queue) =>
        queues.Any(q => graph.Identifies(graph.Input(q, "redrivePolicy").JsonDocumentOf().At("deadLetterTargetArn"), queue))
        || graph.Referrers(queue, Aws.Lambda.Function.PulumiType, "deadLetterConfig.targetArn").Any()
        || graph.Referrers(queue, Aws.Lambda.FunctionEventInvokeConfig.PulumiType, "destinationConfig.onFailure.destination").Any()
        || graph.Referrers(queue, Aws.Lambda.EventSourceMapping.PulumiType, "destinationConfig.onFailure.destinationArn").Any()
        // An EventBridge rule target's dead-letter queue (events it could not deliver, e.g. a failed batch:SubmitJob).
        || graph.Referrers(queue, Aws.CloudWatch.EventTarget.PulumiType, "deadLetterConfig.arn").Any();
}
