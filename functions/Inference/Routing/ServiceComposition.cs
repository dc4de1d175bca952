using Inference.Contracts;
using Inference.Ensembles;
using Inference.Service;
using Inference.Telemetry;

namespace Inference.Routing;

/// <summary>
/// Puts the ensembles (<c>ENSEMBLES</c>) and the request-type router (<c>ROUTER</c>) in front of the model service:
/// router → ensembles → models, so that a rule may send a request to an ensemble. Without either variable the
/// service is returned as it is.
/// </summary>
public static class ServiceComposition
{
    /// <summary>True when ENSEMBLES or ROUTER is set.</summary>
    public static bool IsConfigured(Func<string, string?> environment)
    {
        var values = new EnvironmentValues(environment);
        return values.Get(EnsemblesVariable.Variable) is not null || values.Get(RouterVariable.Variable) is not null;
    }

    /// <param name="models">The function's model service; ensembles and a router need the plain one (no traffic split).</param>
    /// <param name="served">The models <paramref name="models"/> serves, which the ensembles and the router may name.</param>
    public static IInferenceService Compose(IInferenceService models, IEnumerable<ModelDefinition> served, Func<string, string?> environment, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(environment);
        if (!IsConfigured(environment))
        {
            return models;
        }

        var byName = served.ToDictionary(d => d.Name, StringComparer.Ordinal);
        var ensembles = EnsemblesVariable.Parse(environment(EnsemblesVariable.Variable), byName);
        var router = RouterVariable.Parse(environment(RouterVariable.Variable), [.. byName.Keys, .. ensembles.Select(e => e.Name)]);
        IInferenceService service = models;
        if (ensembles.Count > 0)
        {
            var namespaceName = new EnvironmentValues(environment).Get(FunctionEnvironment.MetricsNamespace) ?? FunctionMetrics.DefaultNamespace;
            service = new EnsembleService(service, ensembles, new EnsembleTelemetry(new TelemetryWriter(output, namespaceName)));
        }

        return router is null ? service : new RuleRouter(service, router);
    }
}
