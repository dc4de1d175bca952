using System.Text.Json;
using LambdaEmulator;

namespace Infra.Local.Batch;

/// <summary>
/// Lambda's SQS event source mapping: the batch as one SQS-of-S3 event to the function; the messages it hands back in
/// <c>batchItemFailures</c> (or all of them, when the invocation failed) are retried.
/// </summary>
/// <param name="queueName">The queue the event names (<c>&lt;component&gt;-queue</c>).</param>
public sealed class LambdaDelivery(IBatchFunction function, string inputBucket, string queueName) : IBatchDelivery
{
    public async Task<IReadOnlyDictionary<string, string>> DeliverAsync(IReadOnlyList<Delivery> batch, CancellationToken cancellationToken)
    {
        var payload = SqsS3EventBuilder.Build(inputBucket, queueName, batch, DateTimeOffset.UtcNow);
        var result = await function.InvokeAsync(payload, cancellationToken).ConfigureAwait(false);
        return Failures(result, batch);
    }

    private Dictionary<string, string> Failures(InvocationResult result, IReadOnlyList<Delivery> batch)
    {
        if (result.Status != InvocationStatus.Succeeded)
        {
            var error = $"The invocation failed ({result.Status}): {result.Error?.ErrorType}: {result.Error?.ErrorMessage}";
            return batch.ToDictionary(d => d.MessageId, _ => error);
        }

        List<string> retried;
        try
        {
            using var answer = JsonDocument.Parse(result.Payload);
            retried = [.. answer.RootElement.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()!)];
        }
        catch (Exception unreadable) when (unreadable is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            var error = $"The function's answer is not an SQS batch response ({unreadable.Message}).";
            return batch.ToDictionary(d => d.MessageId, _ => error);
        }

        // The handler prints why it hands a message back: "SQS message <id> will be retried: <error>".
        var output = function.RecentOutput().Split('\n');
        return retried.Distinct().ToDictionary(id => id, id =>
            output.LastOrDefault(line => line.Contains($"SQS message {id} ", StringComparison.Ordinal))?.Trim()
            ?? $"The function returned message {id} in batchItemFailures.");
    }
}
