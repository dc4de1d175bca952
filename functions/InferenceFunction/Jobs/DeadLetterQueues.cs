using Amazon.SQS;
using Inference.Contracts;

namespace InferenceFunction.Jobs;

/// <summary>
/// Picks the batch job's dead-letter queue: SQS when <c>BATCH_DEAD_LETTER_QUEUE_URL</c> is set (the job definition sets
/// it); otherwise none, and an input the job cannot record fails the job instead, so the caller (serve's local job
/// runner) retries and dead-letters it as it does the Lambda path's.
/// </summary>
public static class DeadLetterQueues
{
    public static IDeadLetterQueue FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment(FunctionEnvironment.BatchDeadLetterQueueUrl) is { Length: > 0 } url
            ? new SqsDeadLetterQueue(new AmazonSQSClient(), url)
            : new NoDeadLetterQueue();
    }

    private sealed class NoDeadLetterQueue : IDeadLetterQueue
    {
        public Task SendAsync(Events.S3ObjectReference input, string reason, string jobId, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"{FunctionEnvironment.BatchDeadLetterQueueUrl} is not set, so {input.LogKey} stays without a record ({reason}).");
    }
}
