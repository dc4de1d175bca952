using Infra.Aws.DynamoDB;
using Infra.Aws.Kms;
using Infra.Aws.Lambda;
using Infra.Aws.Sqs;
using Infra.Core;
using static Components.Tests.PolicyAssertions;

namespace Components.Tests;

/// <summary>SQS and DynamoDB: encryption, dead-letter queues and point-in-time recovery.</summary>
public class DataRuleTests
{
    private static Key RotatingKey(Stack stack) => new(stack, "key", new KeyArgs { EnableKeyRotation = true });

    private static Output<string> RedriveTo(Queue deadLetters) =>
        Output.JsonSerialize(new Dictionary<string, object> { ["deadLetterTargetArn"] = deadLetters.Arn, ["maxReceiveCount"] = 3 });

    [Fact]
    public void A_plain_queue_fires_encryption_and_dead_letter_rules()
    {
        var stack = NewStack();
        new Queue(stack, "jobs", new QueueArgs());

        AssertFires(stack, "SQS-ENCRYPTION", "jobs", "not encrypted");
        AssertFires(stack, "SQS-DLQ", "jobs", "no dead-letter queue");
    }

    [Fact]
    public void A_queue_with_a_key_and_a_redrive_policy_and_its_dead_letter_queue_are_quiet()
    {
        var stack = NewStack();
        var key = RotatingKey(stack);
        var deadLetters = new Queue(stack, "jobs-dlq", new QueueArgs { KmsMasterKeyId = key.Arn });
        new Queue(stack, "jobs", new QueueArgs { KmsMasterKeyId = key.Arn, RedrivePolicy = RedriveTo(deadLetters) });
        new Queue(stack, "sse-sqs", new QueueArgs
        {
            SqsManagedSseEnabled = true,
            RedrivePolicy = """{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:literal-dlq","maxReceiveCount":5}""",
        });
        new Queue(stack, "literal-dlq", new QueueArgs { Name = "literal-dlq", SqsManagedSseEnabled = true });

        Assert.Empty(Evaluate(stack).Findings);
    }

    [Fact]
    public void A_queue_that_is_a_failure_destination_of_a_function_counts_as_a_dead_letter_queue()
    {
        var stack = NewStack();
        var key = RotatingKey(stack);
        var failures = new Queue(stack, "failures", new QueueArgs { KmsMasterKeyId = key.Arn });
        new Queue(stack, "orphan", new QueueArgs { KmsMasterKeyId = key.Arn });
        new FunctionEventInvokeConfig(stack, "async", new FunctionEventInvokeConfigArgs
        {
            FunctionName = "worker",
            DestinationConfig = new FunctionEventInvokeConfigDestinationConfigArgs
            {
                OnFailure = new FunctionEventInvokeConfigDestinationConfigOnFailureArgs { Destination = failures.Arn },
            },
        });

        AssertFires(stack, "SQS-DLQ", "orphan", "no dead-letter queue");
    }

    [Fact]
    public void A_queue_that_is_the_dead_letter_queue_of_an_event_target_counts_as_a_dead_letter_queue()
    {
        var stack = NewStack();
        var key = RotatingKey(stack);
        var undelivered = new Queue(stack, "undelivered", new QueueArgs { KmsMasterKeyId = key.Arn });
        new Queue(stack, "orphan", new QueueArgs { KmsMasterKeyId = key.Arn });
        new Infra.Aws.CloudWatch.EventTarget(stack, "submit", new Infra.Aws.CloudWatch.EventTargetArgs
        {
            Rule = "uploads",
            Arn = "arn:aws:batch:eu-west-1:123456789012:job-queue/jobs",
            DeadLetterConfig = new Infra.Aws.CloudWatch.EventTargetDeadLetterConfigArgs { Arn = undelivered.Arn },
        });

        AssertFires(stack, "SQS-DLQ", "orphan", "no dead-letter queue");
    }

    [Fact]
    public void A_table_without_recovery_or_customer_key_fires_both_rules()
    {
        var stack = NewStack();
        new Table(stack, "bare", new TableArgs { HashKey = "id", Attributes = new[] { new TableAttributeArgs { Name = "id", Type = "S" } } });
        new Table(stack, "aws-owned-key", new TableArgs
        {
            HashKey = "id",
            Attributes = new[] { new TableAttributeArgs { Name = "id", Type = "S" } },
            PointInTimeRecovery = new TablePointInTimeRecoveryArgs { Enabled = true },
            ServerSideEncryption = new TableServerSideEncryptionArgs { Enabled = true },
        });

        AssertFires(stack, "DYNAMODB-PITR", "bare", "point-in-time recovery");
        Assert.Equal(["aws-owned-key", "bare"], Flagged(stack, "DYNAMODB-KMS").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_table_with_recovery_and_a_customer_key_is_quiet()
    {
        var stack = NewStack();
        var key = RotatingKey(stack);
        new Table(stack, "predictions", new TableArgs
        {
            HashKey = "id",
            Attributes = new[] { new TableAttributeArgs { Name = "id", Type = "S" } },
            PointInTimeRecovery = new TablePointInTimeRecoveryArgs { Enabled = true },
            ServerSideEncryption = new TableServerSideEncryptionArgs { Enabled = true, KmsKeyArn = key.Arn },
        });

        Assert.Empty(Evaluate(stack).Findings);
    }
}
