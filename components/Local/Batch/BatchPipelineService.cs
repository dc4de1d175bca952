using Infra.Local.Lambda;
using LambdaEmulator;

namespace Infra.Local.Batch;

/// <summary>A batch component's pipeline as a part of serve: it invokes the component's function pool (or runs its AWS Batch jobs), and runs until serve stops.</summary>
public sealed class BatchPipelineService(LocalBatch batch, IBatchDelivery delivery, TextWriter log) : ILocalService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    /// <summary>The Lambda path: each batch as an SQS event to the pool.</summary>
    public BatchPipelineService(LocalBatch batch, FunctionPool pool, TextWriter log)
        : this(batch, new LambdaDelivery(new PoolFunction(pool), batch?.Objects.InputBucket ?? throw new ArgumentNullException(nameof(batch)), $"{batch.Path}-queue"), log)
    {
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var pipeline = new BatchPipeline(batch.Objects, batch.Settings, delivery, log, batch.Path);
        _running = RunAsync(pipeline);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync(BatchPipeline pipeline)
    {
        try
        {
            await pipeline.RunAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // serve is stopping; an input in flight has no record yet and is delivered again on the next start.
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            await log.WriteLineAsync(PrintableText.Escape($"batch {batch.Path}: the pipeline stopped: {failure}")).ConfigureAwait(false);
        }
    }

    /// <summary>The pool as the pipeline's function: Lambda's answer, and the output of the instance that gave it.</summary>
    private sealed class PoolFunction(FunctionPool pool) : IBatchFunction
    {
        private string _lastInstance = "";

        public async Task<InvocationResult> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            var invocation = await pool.InvokeAsync(payload.ToArray(), cancellationToken).ConfigureAwait(false);
            _lastInstance = invocation.Instance;
            return invocation.Outcome == InvocationOutcome.Answered
                ? new InvocationResult(InvocationStatus.Succeeded, "", invocation.Payload, null, invocation.ColdStart, invocation.Duration)
                : new InvocationResult(InvocationStatus.FunctionError, "", invocation.Payload, new EmulatedError(invocation.Outcome.ToString(), invocation.Error ?? "", []), invocation.ColdStart, invocation.Duration);
        }

        public string RecentOutput() => pool.RecentOutput(_lastInstance);
    }
}
