using Inference.Contracts;

namespace Inference.Sessions;

/// <summary>
/// The models this process serves, by name. Each loads once; a failed load is not remembered, so a
/// transient S3 error does not poison the process.
/// </summary>
public sealed class ModelSessions : IDisposable
{
    private readonly Dictionary<string, Entry> _entries;
    private readonly ModelLoader _loader;
    private readonly Action<ModelDefinition, ModelLoadTimings, string> _onLoaded;

    public ModelSessions(IEnumerable<ModelDefinition> definitions, ModelLoader loader, Action<ModelDefinition, ModelLoadTimings, string> onLoaded)
    {
        _entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            if (!_entries.TryAdd(definition.Name, new Entry(definition)))
            {
                throw new ModelConfigException(definition.ConfigPath, "name", definition.Name,
                    $"allowed: a name no other model uses ({_entries[definition.Name].Definition.ConfigPath} uses it too)");
            }
        }

        _loader = loader;
        _onLoaded = onLoaded;
    }

    public IEnumerable<ModelDefinition> Definitions => _entries.Values.Select(e => e.Definition);

    public bool AllLoaded => _entries.Values.All(e => e.Model is not null);

    public bool TryGetDefinition(string name, out ModelDefinition definition)
    {
        if (_entries.TryGetValue(name, out var entry))
        {
            definition = entry.Definition;
            return true;
        }

        definition = null!;
        return false;
    }

    public bool IsLoaded(string name) => _entries.TryGetValue(name, out var e) && e.Model is not null;

    public async ValueTask<LoadedModel> GetAsync(string name, CancellationToken cancellationToken)
    {
        var entry = _entries[name];
        if (entry.Model is { } loaded)
        {
            return loaded;
        }

        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (entry.Model is null)
            {
                var (model, timings) = await _loader.LoadAsync(entry.Definition, cancellationToken).ConfigureAwait(false);
                entry.Model = model;
                _onLoaded(entry.Definition, timings, _loader.Source);
            }

            return entry.Model;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public async Task LoadAllAsync(CancellationToken cancellationToken)
    {
        foreach (var name in _entries.Keys)
        {
            await GetAsync(name, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        foreach (var entry in _entries.Values)
        {
            entry.Model?.Dispose();
            entry.Gate.Dispose();
        }
    }

    private sealed class Entry(ModelDefinition definition)
    {
        public ModelDefinition Definition { get; } = definition;
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public volatile LoadedModel? Model;
    }
}
