using Infra.Core;

namespace Infra.Aws.Iam;

/// <summary><c>aws:iam/role:Role</c>.</summary>
public sealed class Role(IScope scope, string name, RoleArgs args, CustomResourceOptions? options = null)
    : CustomResource("aws:iam/role:Role", scope, name, args, options)
{
    public Output<string> Arn => GetOutput<string>("arn");

    public Output<string> RoleName => GetOutput<string>("name");
}

public sealed class RoleArgs : ResourceArgs, ITaggableArgs
{
    /// <summary>The trust policy, as JSON (build it with <see cref="Output.JsonSerialize"/>).</summary>
    [Input("assumeRolePolicy")] public required Input<string> AssumeRolePolicy { get; set; }

    [Input("description")] public Input<string>? Description { get; set; }

    [Input("maxSessionDuration")] public Input<int>? MaxSessionDuration { get; set; }

    [Input("permissionsBoundary")] public Input<string>? PermissionsBoundary { get; set; }

    [Input("path")] public Input<string>? Path { get; set; }

    [Input("tags")] public InputMap<string>? Tags { get; set; }
}

/// <summary><c>aws:iam/rolePolicy:RolePolicy</c>, an inline policy of one role.</summary>
public sealed class RolePolicy(IScope scope, string name, RolePolicyArgs args, CustomResourceOptions? options = null)
    : CustomResource("aws:iam/rolePolicy:RolePolicy", scope, name, args, options);

public sealed class RolePolicyArgs : ResourceArgs
{
    /// <summary>The role's name (or id).</summary>
    [Input("role")] public required Input<string> Role { get; set; }

    [Input("policy")] public required Input<string> Policy { get; set; }
}

/// <summary>
/// The provider's <c>aws:iam:getPolicyDocument</c> invoke: it renders statements into a policy
/// JSON in the engine, with IAM's own normalization.
/// </summary>
public static class GetPolicyDocument
{
    public static Output<string> Invoke(Stack stack, string variableName, GetPolicyDocumentArgs args)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return stack.Invoke<string>(variableName, "aws:iam:getPolicyDocument", args, "json");
    }
}

public sealed class GetPolicyDocumentArgs : ResourceArgs
{
    [Input("statements")] public required InputList<GetPolicyDocumentStatementArgs> Statements { get; set; }
}

public sealed class GetPolicyDocumentStatementArgs : ResourceArgs
{
    [Input("sid")] public Input<string>? Sid { get; set; }

    [Input("effect")] public Input<string>? Effect { get; set; }

    [Input("actions")] public InputList<string>? Actions { get; set; }

    [Input("resources")] public InputList<string>? Resources { get; set; }

    [Input("principals")] public InputList<GetPolicyDocumentPrincipalArgs>? Principals { get; set; }

    [Input("conditions")] public InputList<GetPolicyDocumentConditionArgs>? Conditions { get; set; }
}

public sealed class GetPolicyDocumentPrincipalArgs : ResourceArgs
{
    [Input("type")] public required Input<string> Type { get; set; }

    [Input("identifiers")] public required InputList<string> Identifiers { get; set; }
}

public sealed class GetPolicyDocumentConditionArgs : ResourceArgs
{
    [Input("test")] public required Input<string> Test { get; set; }

    [Input("variable")] public required Input<string> Variable { get; set; }

    [Input("values")] public required InputList<string> Values { get; set; }
}
