namespace Infra.Local.Batch;

/// <summary>
/// How one batch of the pipeline reaches the model: as Lambda's SQS event to the function (<see cref="LambdaDelivery"/>),
/// or as AWS Batch jobs of the function's batch-job mode (<see cref="BatchJobDelivery"/>). Either way the function writes
/// each input's record; the pipeline then settles, retries or dead-letters each input the same way.
/// </summary>
public interface IBatchDelivery
{
    /// <returns>The deliveries to retry, by message id, each with what went wrong; the others were answered.</returns>
    Task<IReadOnlyDictionary<string, string>> DeliverAsync(IReadOnlyList<Delivery> batch, CancellationToken cancellationToken);
}
