using System.Diagnostics;
using Inference.Caching;
using Inference.Service;
using TestModels;

namespace Inference.Tests;

/// <summary>
/// A cancelled request stops its ONNX Runtime run (RunOptions.Terminate): the run ends at the next operator instead of
/// keeping a vCPU busy until it completes, and only that run ends: the model answers the next request.
/// The model needs about 1 TFLOP for a batch of 1024 (tens of seconds here, several on the fastest CPU core) and 1 GFLOP
/// for a batch of 1, in operators of a few tens of milliseconds each.
/// </summary>
public sealed class ModelRunCancellationTests : IAsyncLifetime
{
    private const int SlowBatch = 1024;
    private static readonly TimeSpan CancelAfter = TimeSpan.FromMilliseconds(300);

    private readonly TempDirectory _models = new();
    private IInferenceService _service = null!;

    public async Task InitializeAsync()
    {
        EnsembleModels.Write(_models.Path, "busy", OnnxModelWriter.CostPerItem(matMuls: 500), null);
        _service = await InferenceServiceFactory.CreateAsync(new InferenceOptions
        {
            ModelDirectory = _models.Path,
            IntraOpThreads = 1,
            Cache = new PredictionCacheOptions { MaxEntries = 0 },
        }, TextWriter.Null);
    }

    public Task DisposeAsync()
    {
        (_service as IDisposable)?.Dispose();
        _models.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_cancelled_infer_stops_its_model_run_within_a_second_of_the_cancellation()
    {
        using var cancel = new CancellationTokenSource(CancelAfter);
        var started = Stopwatch.GetTimestamp();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _service.HandleAsync(Infer(SlowBatch), cancel.Token));

        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.True(elapsed < CancelAfter + TimeSpan.FromSeconds(1), $"the run ended {elapsed.TotalMilliseconds:0} ms after it started, cancelled at {CancelAfter.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task After_a_cancelled_run_the_same_model_answers_the_next_request()
    {
        using (var cancel = new CancellationTokenSource(CancelAfter))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _service.HandleAsync(Infer(SlowBatch), cancel.Token));
        }

        var next = await _service.HandleAsync(Infer(1), CancellationToken.None);

        Assert.True(next.StatusCode == 200, System.Text.Encoding.UTF8.GetString(next.Body.Span));
    }

    [Fact]
    public async Task A_request_cancelled_before_its_run_does_not_start_it()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var started = Stopwatch.GetTimestamp();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _service.HandleAsync(Infer(SlowBatch), cancel.Token));

        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(1));
    }

    private static InferenceRequest Infer(int batch) => Requests.PostJson("/v2/models/busy/infer",
        $$"""{"inputs":[{"name":"x","shape":[{{batch}},3,4,4],"datatype":"FP32","data":[{{Requests.Zeros(batch * 48)}}]}]}""");
}
