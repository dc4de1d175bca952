using Infra.Aws;
using Infra.Aws.ApiGateway;
using Infra.Aws.Iam;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// No settings: the role and the account setting are fixed. The record keeps the shape every component shares,
/// <c>(scope, name, args, options)</c>, so that a setting can be added without changing the constructor.
/// </summary>
public sealed record ApiGatewayAccountLoggingArgs;

/// <summary>
/// Sets the region's API Gateway CloudWatch Logs role, the account setting without which a stage with access logs
/// cannot be created ("CloudWatch Logs role ARN must be set in account settings to enable logging"). There is one
/// such setting per account and region, so a stack has at most one of these, and every API of the stack passes it
/// as <see cref="RestApiSettings.AccountLogging"/> so that its stage waits for the setting.
/// </summary>
public sealed class ApiGatewayAccountLogging : ComponentResource
{
    public const string ComponentTypeName = "ml:ApiGatewayAccountLogging";

    /// <summary>The id under which this component and the APIs relying on an existing setting declare the prerequisite.</summary>
    public const string PrerequisiteId = "apigateway-cloudwatch-role";

    public const string PrerequisiteSubject = "API Gateway CloudWatch Logs role (an account setting, one per region)";

    public ApiGatewayAccountLogging(IScope scope, string name, ApiGatewayAccountLoggingArgs? args = null, ComponentResourceOptions? options = null)
        : base(ComponentTypeName, scope, name, options)
    {
        var others = Stack.Components.Where(c => c.ComponentType == ComponentTypeName && !ReferenceEquals(c, this)).Select(c => c.Path).ToList();
        if (others.Count > 0)
        {
            throw new SynthesisException(Path,
                $"the stack already sets API Gateway's account logging role in '{others[0]}': there is one such setting per account and region, so pass that component to every API");
        }

        // Pulumi-aws v7 resets the setting when the Account resource is deleted (the Terraform provider's v6 removed
        // reset_on_delete and always resets). Destroying this stack would then break the logging of every other stack's
        // stages in the region, so the setting and the role it names stay behind.
        var retain = new CustomResourceOptions { RetainOnDelete = true };
        Role = new Role(this, "role", new RoleArgs
        {
            Description = "Lets API Gateway write access and execution logs to CloudWatch Logs (the region's account setting)",
            AssumeRolePolicy = PolicyDocuments.AssumedBy("apigateway.amazonaws.com"),
        }, retain);
        var attachment = new RolePolicyAttachment(this, "role-policy", new RolePolicyAttachmentArgs
        {
            Role = Role.RoleName,
            PolicyArn = Output.Format($"arn:{AwsContext.Partition(Stack)}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"),
        }, retain);
        Account = new Account(this, "account", new AccountArgs { CloudwatchRoleArn = Role.Arn },
            new CustomResourceOptions { DependsOn = [attachment], RetainOnDelete = true });

        Stack.Require(this, new Prerequisite(PrerequisiteId, PrerequisiteSubject, PrerequisiteOwner.ThisStack,
            $"set by {Path} on the first deploy, and kept when the stack is destroyed; another stack in the same account and region " +
            "should rely on this setting instead of setting it again, or the two overwrite each other's role"));
    }

    public Role Role { get; }

    /// <summary>The account setting; stages with logging depend on it.</summary>
    public Account Account { get; }
}
