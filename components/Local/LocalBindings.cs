using Infra.Components;
using Infra.Core;
using Infra.Local.Batch;
using Infra.Local.Emulators;

namespace Infra.Local;

/// <summary>
/// serve's bindings of the stack's components to local resources: each batch component's pipeline (on folders under
/// the serve folder, or on the emulators), and with --emulators each API function's tables, cache and endpoints.
/// </summary>
public static class LocalBindings
{
    /// <returns>By component path; empty without emulators (the API functions then run without the resources).</returns>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> ApiBindingsAsync(Stack stack, EmulatorSet? emulators, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var bindings = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        if (emulators is null)
        {
            return bindings;
        }

        foreach (var component in stack.Components)
        {
            var function = component switch
            {
                IInferenceApi api => api.Function,
                _ => null,
            };
            if (function is not null)
            {
                bindings[component.Path] = await EmulatorFunctionBindings.ForAsync(function, emulators, cancellationToken).ConfigureAwait(false);
            }
        }

        return bindings;
    }

    /// <param name="serveRoot"><c>.build/serve/&lt;stack&gt;</c>: each component's folders go under its path there.</param>
    /// <param name="emulators">The running stand-ins with --emulators; null for folders and the JSON-lines log.</param>
    public static async Task<IReadOnlyDictionary<string, LocalBatch>> BatchesAsync(Stack stack, string serveRoot, EmulatorSet? emulators, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var batches = new Dictionary<string, LocalBatch>(StringComparer.Ordinal);
        foreach (var component in stack.Components.OfType<BatchInference>())
        {
            batches[component.Path] = emulators is null
                ? LocalBatch.OnFolders(component, serveRoot)
                : await LocalBatch.OnEmulatorsAsync(component, serveRoot, emulators, cancellationToken).ConfigureAwait(false);
        }

        return batches;
    }
}
