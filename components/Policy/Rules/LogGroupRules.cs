namespace Infra.Policy.Rules;

public sealed class LogRetentionRule : PolicyRule
{
    public override string Id => "LOG-RETENTION";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "a log group without retention keeps every line forever: storage cost grows without bound, and logs that may hold request metadata are never deleted";

    public override string Fix => "set retentionInDays to one of CloudWatch's allowed values (InferenceFunction.AllowedRetentionDays), e.g. 30";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var logGroup in graph.OfType(Aws.CloudWatch.LogGroup.PulumiType))
        {
            if (graph.Input(logGroup, "retentionInDays").Number() is not > 0)
            {
                yield return Finding(logGroup, "the log group has no retention period, so its logs never expire");
            }
        }
    }
}

public sealed class LogEncryptionRule : PolicyRule
{
    public override string Id => "LOG-ENCRYPTION";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "logs carry request ids, client ids and errors; with a customer-managed key, reading them also needs kms:Decrypt, and every read is audited in CloudTrail";

    public override string Fix => "set kmsKeyId to a rotating key whose policy lets logs.<region>.amazonaws.com use it for this account's log groups (as LogEncryptionKey does)";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var logGroup in graph.OfType(Aws.CloudWatch.LogGroup.PulumiType))
        {
            if (!graph.Input(logGroup, "kmsKeyId").IsSet())
            {
                yield return Finding(logGroup, "the log group is not encrypted with a KMS key (kmsKeyId is not set)");
            }
        }
    }
}
