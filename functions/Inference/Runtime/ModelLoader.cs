using System.Diagnostics;
using Inference.Configuration;
using Inference.Storage;

namespace Inference.Runtime;

/// <summary>Obtains a model's file and opens its sessions, timing both.</summary>
public sealed class ModelLoader(IModelFileProvider files, SessionSettings settings)
{
    public string Source => files.Source;

    public async Task<(LoadedModel Model, ModelLoadTimings Timings)> LoadAsync(ModelDefinition definition, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var path = await files.GetModelFileAsync(definition, cancellationToken).ConfigureAwait(false);
        var fetchMs = total.Elapsed.TotalMilliseconds;
        var cacheKey = $"{definition.Name}-{definition.Version}";
        var session = settings.CreateSession(path, cacheKey);
        try
        {
            var preprocess = definition.PreprocessGraphPath is null
                ? null
                : settings.CreateSession(definition.PreprocessGraphPath, cacheKey + "-preprocess");
            var model = new LoadedModel(definition, session, preprocess);
            return (model, new ModelLoadTimings(fetchMs, total.Elapsed.TotalMilliseconds - fetchMs, total.Elapsed.TotalMilliseconds));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}

public readonly record struct ModelLoadTimings(double FetchMs, double SessionMs, double TotalMs);
