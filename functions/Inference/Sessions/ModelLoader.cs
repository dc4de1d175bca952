using System.Diagnostics;
using Inference.Contracts;
using Inference.Storage;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Sessions;

/// <summary>Obtains a model's file and opens its sessions, timing both.</summary>
/// <param name="parallel">
/// Open the preprocessing graph's session on another thread while the model's own session is created; true
/// except to measure against (docs/benchmarks.md).
/// </param>
public sealed class ModelLoader(IModelFileProvider files, SessionSettings settings, bool parallel = true)
{
    public string Source => files.Source;

    public async Task<(LoadedModel Model, ModelLoadTimings Timings)> LoadAsync(ModelDefinition definition, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var path = await files.GetModelFileAsync(definition, cancellationToken).ConfigureAwait(false);
        var fetchMs = total.Elapsed.TotalMilliseconds;
        var cacheKey = $"{definition.Name}-{definition.Version}";
        var graph = definition.PreprocessGraphPath;
        var preprocess = graph is not null && parallel
            ? Task.Run(() => (InferenceSession?)settings.CreateSession(graph, cacheKey + "-preprocess"), cancellationToken)
            : null;
        // Only the bundled file has a pre-optimised graph beside it (written at publish time).
        var preoptimized = path == definition.BundledModelPath ? PreoptimizedModel.PathFor(definition) : null;
        InferenceSession session;
        try
        {
            session = settings.CreateSession(path, cacheKey, preoptimized);
        }
        catch
        {
            await DisposeQuietlyAsync(preprocess).ConfigureAwait(false);
            throw;
        }

        try
        {
            var preprocessSession = preprocess is not null
                ? await preprocess.ConfigureAwait(false)
                : graph is null ? null : settings.CreateSession(graph, cacheKey + "-preprocess");
            var model = new LoadedModel(definition, session, preprocessSession);
            return (model, new ModelLoadTimings(fetchMs, total.Elapsed.TotalMilliseconds - fetchMs, total.Elapsed.TotalMilliseconds));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>After the model's own session failed: the preprocessing session, if it opened, is closed; the first error is the one reported.</summary>
    private static async Task DisposeQuietlyAsync(Task<InferenceSession?>? pending)
    {
        if (pending is null)
        {
            return;
        }

        try
        {
            (await pending.ConfigureAwait(false))?.Dispose();
        }
        catch (Exception exception) when (exception is OnnxRuntimeException or OperationCanceledException)
        {
            // The model's own failure is already on its way to the caller; this one would only hide it.
        }
    }
}

public readonly record struct ModelLoadTimings(double FetchMs, double SessionMs, double TotalMs);
