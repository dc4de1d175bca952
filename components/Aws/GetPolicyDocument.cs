using Infra.Core;

namespace Infra.Aws.Iam;

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
