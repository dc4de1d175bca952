using Infra.Core;

namespace Infra.Policy;

/// <summary>
/// One check over a stack's resource graph. The id is stable (suppressions and docs name it);
/// <see cref="Why"/> and <see cref="Fix"/> go into every finding, so a failed synth explains itself.
/// </summary>
public abstract class PolicyRule
{
    public abstract string Id { get; }

    public abstract PolicySeverity Severity { get; }

    public abstract string Why { get; }

    public abstract string Fix { get; }

    public abstract IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph);

    protected PolicyFinding Finding(Resource resource, string message) => Finding(resource.LogicalName, message);

    protected PolicyFinding Finding(string resourceName, string message) => new(Id, Severity, resourceName, message, Why, Fix);
}
