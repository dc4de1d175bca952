using Infra.Aws.Iam;
using Infra.Core;

namespace Infra.Policy;

/// <summary>
/// Reads policy documents into statements. Three forms are understood: <c>fn::toJSON</c> of a
/// document map (what our components write), a literal JSON string, and a reference to an
/// <c>aws:iam:getPolicyDocument</c> invoke. Anything else (a value computed at deployment) cannot
/// be read, and <see cref="Read"/> returns null.
/// </summary>
public static class PolicyDocument
{
    public static IReadOnlyList<PolicyStatement>? Read(ProgramValue? document)
    {
        if (document is ReferenceValue { Target: Variable variable, Path: null or "json" }
            && variable.Value is FunctionValue { Function: "fn::invoke" } invoke
            && invoke.Argument.At("function").Literal() == "aws:iam:getPolicyDocument")
        {
            return [.. invoke.Argument.At("arguments.statements").Items().Select(FromInvokeStatement)];
        }

        return document.JsonDocumentOf() is MapValue map ? [.. map.At("Statement").Items().Select(FromJsonStatement)] : null;
    }

    private static PolicyStatement FromJsonStatement(ProgramValue statement) => new()
    {
        Sid = statement.At("Sid").Literal(),
        Effect = statement.At("Effect").Literal() ?? "Allow",
        Principals = JsonPrincipals(statement.At("Principal")),
        Action = Either(statement.At("Action"), statement.At("NotAction")),
        NotAction = statement.At("NotAction") is not null,
        Resource = Either(statement.At("Resource"), statement.At("NotResource")),
        Conditions = [.. JsonConditions(statement.At("Condition"))],
    };

    private static IReadOnlyList<PolicyPrincipal> JsonPrincipals(ProgramValue? principal) => principal switch
    {
        null => [],
        MapValue map => [.. map.Entries.Select(e => new PolicyPrincipal(e.Key, e.Value))],
        _ => [new PolicyPrincipal("*", principal)],
    };

    private static IEnumerable<PolicyCondition> JsonConditions(ProgramValue? condition) =>
        condition is MapValue operators
            ? operators.Entries.SelectMany(o => o.Value is MapValue keys
                ? keys.Entries.Select(k => new PolicyCondition(o.Key, k.Key, k.Value))
                : [])
            : [];

    private static PolicyStatement FromInvokeStatement(ProgramValue statement) => new()
    {
        Sid = statement.At("sid").Literal(),
        Effect = statement.At("effect").Literal() ?? "Allow",
        Principals = [.. statement.At("principals").Items().Select(p => new PolicyPrincipal(p.At("type").Literal() ?? "", p.At("identifiers") ?? new ListValue([])))],
        Action = Either(statement.At("actions"), statement.At("notActions")),
        NotAction = statement.At("notActions") is not null,
        Resource = Either(statement.At("resources"), statement.At("notResources")),
        Conditions = [.. statement.At("conditions").Items().Select(c => new PolicyCondition(c.At("test").Literal() ?? "", c.At("variable").Literal() ?? "", c.At("values") ?? new ListValue([])))],
    };

    /// <summary>An element and its negated form (Action and NotAction) read as one list of values, or the one that is present.</summary>
    private static ProgramValue? Either(ProgramValue? value, ProgramValue? negated) =>
        value is null ? negated : negated is null ? value : new ListValue([.. value.Items(), .. negated.Items()]);
}
