using AwsSemantics.Tests.Evaluation;
using AwsSemantics.Tests.Simulation;

namespace AwsSemantics.Tests.Access;

/// <summary>A principal making AWS calls: a role of the stack (with its identity policies), the deployer, or an AWS service.</summary>
public sealed record Caller(string Principal, IReadOnlyList<NamedPolicy> IdentityPolicies, bool IsService)
{
    public static Caller Deployer { get; } = new(DeploymentTarget.DeployerRoleArn, [StackAccess.AdministratorAccess], false);

    public static Caller Service(string principal) => new(principal, [], true);

    public static Caller Role(StackAccess access, string roleArn) => new(roleArn, access.IdentityPoliciesOfArn(roleArn), false);

    public override string ToString() => Principal;
}
