using Infra.Testing.Access.Evaluation;
using AwsSemantics.Tests.Simulation;
using Infra.Testing.Access.Simulation;
using Infra.Testing.Access;

namespace AwsSemantics.Tests.Access;

/// <summary>A principal making AWS calls: a role of the stack (with its identity policies), the deployer, or an AWS service.</summary>
public sealed record Caller(string Principal, IReadOnlyList<NamedPolicy> IdentityPolicies, bool IsService)
{
    public static Caller Deployer { get; } = new(DeploymentTarget.DeployerRoleArn, [StackPolicies.AdministratorAccess], false);

    public static Caller Service(string principal) => new(principal, [], true);

    public static Caller Role(StackPolicies access, string roleArn) => new(roleArn, access.IdentityPoliciesOfArn(roleArn), false);

    public override string ToString() => Principal;
}
