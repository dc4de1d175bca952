using Infra.Core;

namespace Infra.Policy;

/// <summary>A condition of a policy statement: operator, key and values, e.g. <c>Bool aws:SecureTransport false</c>.</summary>
public sealed record PolicyCondition(string Operator, string Key, IReadOnlyList<ProgramValue> Values);

/// <summary>A principal of a policy statement: its type (<c>AWS</c>, <c>Service</c>, or <c>*</c> for a bare "*") and its value.</summary>
public sealed record PolicyPrincipal(string Type, ProgramValue Value)
{
    /// <summary>Anyone: <c>"Principal": "*"</c> or <c>{"AWS": "*"}</c>.</summary>
    public bool IsEveryone => Type is "*" or "AWS" && Value.Literal() == "*";
}

/// <summary>One statement of an IAM policy document, whichever way the document was written.</summary>
public sealed record PolicyStatement(
    string Effect,
    IReadOnlyList<ProgramValue> Actions,
    bool NotAction,
    IReadOnlyList<ProgramValue> Resources,
    IReadOnlyList<PolicyPrincipal> Principals,
    IReadOnlyList<PolicyCondition> Conditions)
{
    public bool IsAllow => string.Equals(Effect, "Allow", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<string> ActionNames => Actions.Select(a => a.Literal()).OfType<string>();

    public bool HasCondition(params string[] keys) =>
        Conditions.Any(c => keys.Any(k => string.Equals(c.Key, k, StringComparison.OrdinalIgnoreCase)));
}

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

    private static PolicyStatement FromJsonStatement(ProgramValue statement) => new(
        statement.At("Effect").Literal() ?? "Allow",
        statement.At("Action").Items().Concat(statement.At("NotAction").Items()).ToList(),
        statement.At("NotAction") is not null,
        statement.At("Resource").Items().Concat(statement.At("NotResource").Items()).ToList(),
        JsonPrincipals(statement.At("Principal")),
        [.. JsonConditions(statement.At("Condition"))]);

    private static IReadOnlyList<PolicyPrincipal> JsonPrincipals(ProgramValue? principal) => principal switch
    {
        null => [],
        MapValue map => [.. map.Entries.SelectMany(e => e.Value.Items().Select(v => new PolicyPrincipal(e.Key, v)))],
        _ => [.. principal.Items().Select(v => new PolicyPrincipal("*", v))],
    };

    private static IEnumerable<PolicyCondition> JsonConditions(ProgramValue? condition) =>
        condition is MapValue operators
            ? operators.Entries.SelectMany(o => o.Value is MapValue keys
                ? keys.Entries.Select(k => new PolicyCondition(o.Key, k.Key, k.Value.Items()))
                : [])
            : [];

    private static PolicyStatement FromInvokeStatement(ProgramValue statement) => new(
        statement.At("effect").Literal() ?? "Allow",
        statement.At("actions").Items().Concat(statement.At("notActions").Items()).ToList(),
        statement.At("notActions") is not null,
        statement.At("resources").Items().Concat(statement.At("notResources").Items()).ToList(),
        [.. statement.At("principals").Items().SelectMany(p => p.At("identifiers").Items().Select(v => new PolicyPrincipal(p.At("type").Literal() ?? "", v)))],
        [.. statement.At("conditions").Items().Select(c => new PolicyCondition(c.At("test").Literal() ?? "", c.At("variable").Literal() ?? "", c.At("values").Items()))]);
}
