namespace Infra.Policy.Rules;

public sealed class DynamoDbRecoveryRule : PolicyRule
{
    public override string Id => "DYNAMODB-PITR";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "a bad deploy, a bug or a mistaken delete of items can then be undone to any second of the last 35 days; without it, lost items are gone";

    public override string Fix => "set pointInTimeRecovery: {enabled: true} on the table";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var table in graph.OfType(Aws.DynamoDB.Table.PulumiType))
        {
            if (!graph.Input(table, "pointInTimeRecovery.enabled").IsTrue())
            {
                yield return Finding(table, "the table does not have point-in-time recovery on");
            }
        }
    }
}

public sealed class DynamoDbKmsRule : PolicyRule
{
    public override string Id => "DYNAMODB-KMS";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "tables hold predictions and their inputs' keys; with a customer-managed key the account controls who may decrypt them, and every use is audited";

    public override string Fix => "set serverSideEncryption: {enabled: true, kmsKeyArn: <rotating key>} on the table";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var table in graph.OfType(Aws.DynamoDB.Table.PulumiType))
        {
            if (!graph.Input(table, "serverSideEncryption.enabled").IsTrue() || !graph.Input(table, "serverSideEncryption.kmsKeyArn").IsSet())
            {
                yield return Finding(table, "the table is not encrypted with a customer-managed KMS key (serverSideEncryption.enabled and kmsKeyArn)");
            }
        }
    }
}
