using Inference.Configuration;
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
    /// <param name="models">The function's model service; ensembles and a router need the plain one (no traffic split), whose models they know.</param>
    public static IInferenceService Compose(IInferenceService models, Func<string, string?> environment, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(environment);
        var values = new EnvironmentValues(environment);
        if (values.Get(EnsembleConfiguration.Variable) is null && values.Get(RouterConfiguration.Variable) is null)
        {
            return models;
        }

        if (models is not InferenceService plain)
        {
            throw new InvalidOperationException(
                $"{EnsembleConfiguration.Variable} and {RouterConfiguration.Variable} are for a function that serves its models itself; allowed: neither of them together with TRAFFIC_SPLIT.");
        }

        var served = plain.Models.Definitions.ToDictionary(d => d.Name, StringComparer.Ordinal);
        var ensembles = EnsembleConfiguration.Parse(environment(EnsembleConfiguration.Variable), served);
        var router = RouterConfiguration.Parse(environment(RouterConfiguration.Variable), [.. served.Keys, .. ensembles.Select(e => e.Name)]);
        IInferenceService service = models;
        if (ensembles.Count > 0)
        {
            var namespaceName = values.Get(FunctionEnvironment.MetricsNamespace) ?? FunctionMetrics.DefaultNamespace;
            service = new EnsembleService(service, ensembles, new EnsembleTelemetry(new TelemetryWriter(output, namespaceName)));
        }

        return router is null ? service : new RuleRouter(service, router);
    }
}
