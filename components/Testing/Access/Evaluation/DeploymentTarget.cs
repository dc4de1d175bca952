namespace Infra.Testing.Access.Evaluation;

/// <summary>Where a stack is deployed: the values Pulumi and the AWS provider's data sources supply.</summary>
public sealed record DeploymentTarget(string Stack, string Project, string Region)
{
    /// <summary>The deploying account (the documentation's example account).</summary>
    public const string Account = "123456789012";

    public const string Partition = "aws";

    /// <summary>The principal <c>pulumi up</c> runs as: an administrator role (AdministratorAccess) of the account.</summary>
    public static string DeployerRoleArn => $"arn:aws:iam::{Account}:role/deployer";
}
