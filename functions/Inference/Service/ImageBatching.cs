using System.Collections.Concurrent;
using Inference.Sessions;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Service;

/// <summary>
/// Dynamic batching of single /predict requests (<see cref="DynamicBatchOptions"/>): one <see cref="DynamicBatcher{TItem, TResult}"/>
/// per loaded model whose first dimension is dynamic, which stacks the prepared images as a batch prediction does
/// (<see cref="MicroBatch"/>) and splits the output back to each request.
/// </summary>
internal sealed class ImageBatching(DynamicBatchOptions options, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<LoadedModel, DynamicBatcher<PreparedImage, OrtValue>> _batchers = new();

    /// <summary>The model's batcher; null when batching is off or the model cannot stack images.</summary>
    public DynamicBatcher<PreparedImage, OrtValue>? For(LoadedModel model) =>
        options.Enabled && MicroBatch.CanStack(model.Definition)
            ? _batchers.GetOrAdd(model, static (_, state) => new DynamicBatcher<PreparedImage, OrtValue>(Run, static output => output.Dispose(), static image => image.Dispose(),
                state.MaxSize, state.MaxWait, state.Time), (options.MaxSize, options.MaxWait, Time: time))
            : null;

    /// <summary>Stops taking requests; those queued still run.</summary>
    public void Dispose()
    {
        foreach (var batcher in _batchers.Values)
        {
            batcher.Dispose();
        }
    }

    private static IReadOnlyList<OrtValue> Run(IReadOnlyList<PreparedImage> images) =>
        images.Count == 1 ? MicroBatch.RunOne(images[0], CancellationToken.None) : MicroBatch.RunStacked(images, CancellationToken.None);
}
