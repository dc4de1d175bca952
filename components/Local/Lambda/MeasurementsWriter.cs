namespace Infra.Local.Lambda;

/// <summary>Writes the pools' measurements every <c>period</c> and once more when serve stops.</summary>
public sealed class MeasurementsWriter(MeasurementsFile file, IReadOnlyDictionary<string, FunctionMeasurements> functions, TimeSpan period, TimeProvider clock) : ILocalService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = WriteEveryPeriodAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
        file.Write(functions, clock.GetUtcNow());
    }

    private async Task WriteEveryPeriodAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                file.Write(functions, clock.GetUtcNow());
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // serve is stopping; DisposeAsync writes the final numbers.
        }
    }
}
