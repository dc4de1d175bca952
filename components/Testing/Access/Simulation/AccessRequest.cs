using System.Text.Json.Nodes;

namespace Infra.Testing.Access.Simulation;

/// <summary>An identity policy attached to the calling principal, by a name that says where it comes from.</summary>
public sealed record NamedPolicy(string Name, JsonNode Policy);

/// <summary>
/// One AWS authorization decision to evaluate: who calls, which IAM action on which resource, the request's condition
/// keys (as the service sets them from the headers and parameters the caller sends), the caller's identity policies and
/// the resource's policy (bucket, queue, topic, key). <paramref name="Description"/> names the call in failures.
/// </summary>
public sealed record AccessRequest(
    string Description,
    string Principal,
    string Action,
    string Resource,
    string ResourceAccount,
    IReadOnlyDictionary<string, object> Context,
    IReadOnlyList<NamedPolicy> IdentityPolicies,
    JsonNode? ResourcePolicy)
{
    public override string ToString() => $"{Description}: {Principal} {Action} {Resource}";
}

/// <summary>The evaluator's answer: Allowed, ImplicitlyDenied or ExplicitlyDenied, and the statements that decided it.</summary>
public sealed record AccessDecision(string Result, IReadOnlyList<string> Deciding, string? Error)
{
    public const string Allowed = "Allowed";
    public const string ImplicitlyDenied = "ImplicitlyDenied";
    public const string ExplicitlyDenied = "ExplicitlyDenied";

    public bool IsDenied => Result is ImplicitlyDenied or ExplicitlyDenied;
}
