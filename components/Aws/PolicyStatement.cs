using Infra.Core;

namespace Infra.Aws.Iam;

/// <summary>
/// The values of a policy element (Action, Resource, a principal, a condition key) as written: IAM
/// reads <c>"a"</c> and <c>["a"]</c> alike, but the program keeps the form it was given.
/// </summary>
public static class IamValues
{
    /// <summary>One value, written as a JSON string.</summary>
    public static ProgramValue One(Input<string> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return ((IProgramValueSource)value).ToProgramValue();
    }

    /// <summary>Values written as a JSON list, also when there is only one.</summary>
    public static ProgramValue List(InputList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.ToProgramValue();
    }

    /// <summary>The items of a list; a single value counts as a list of one, nothing (or null) as none.</summary>
    public static IReadOnlyList<ProgramValue> Items(ProgramValue? value) => value switch
    {
        null or LiteralValue { Value: null } => [],
        ListValue list => list.Items,
        _ => [value],
    };
}

/// <summary>A principal of a policy statement: its type (<c>AWS</c>, <c>Service</c>, or <c>*</c> for a bare "*") and its identifiers as written.</summary>
public sealed record PolicyPrincipal(string Type, ProgramValue Value)
{
    /// <summary><c>"Principal": "*"</c>: anyone, which a statement then narrows with conditions.</summary>
    public static PolicyPrincipal Everyone { get; } = new("*", new LiteralValue("*"));

    public static PolicyPrincipal Service(Input<string> servicePrincipal) => new("Service", IamValues.One(servicePrincipal));

    public static PolicyPrincipal Services(InputList<string> servicePrincipals) => new("Service", IamValues.List(servicePrincipals));

    public static PolicyPrincipal Aws(Input<string> arn) => new("AWS", IamValues.One(arn));

    public static PolicyPrincipal Aws(InputList<string> arns) => new("AWS", IamValues.List(arns));

    public IReadOnlyList<ProgramValue> Identifiers => IamValues.Items(Value);

    /// <summary>Anyone: <c>"Principal": "*"</c> or <c>{"AWS": "*"}</c>.</summary>
    public bool IsEveryone => Type is "*" or "AWS" && Identifiers.Any(v => v is LiteralValue { Value: "*" });
}

/// <summary>A condition of a policy statement: operator, key and values, e.g. <c>Bool aws:SecureTransport false</c>.</summary>
public sealed record PolicyCondition(string Operator, string Key, ProgramValue Value)
{
    public PolicyCondition(string @operator, string key, Input<string> value)
        : this(@operator, key, IamValues.One(value))
    {
    }

    public IReadOnlyList<ProgramValue> Values => IamValues.Items(Value);
}

/// <summary>
/// One statement of an IAM policy document. Components write their policies with it (it lowers to
/// the statement's JSON map), and the policy rules read every document back into it, whichever way
/// the document was written.
/// </summary>
public sealed record PolicyStatement : IProgramValueSource
{
    public string? Sid { get; init; }

    public string Effect { get; init; } = "Allow";

    public IReadOnlyList<PolicyPrincipal> Principals { get; init; } = [];

    /// <summary>The actions as written; with <see cref="NotAction"/> they are the ones excluded.</summary>
    public ProgramValue? Action { get; init; }

    public bool NotAction { get; init; }

    public ProgramValue? Resource { get; init; }

    public IReadOnlyList<PolicyCondition> Conditions { get; init; } = [];

    public bool IsAllow => string.Equals(Effect, "Allow", StringComparison.OrdinalIgnoreCase);

    public IReadOnlyList<ProgramValue> Actions => IamValues.Items(Action);

    public IEnumerable<string> ActionNames => Actions.OfType<LiteralValue>().Select(a => a.Value).OfType<string>();

    public IReadOnlyList<ProgramValue> Resources => IamValues.Items(Resource);

    public bool HasCondition(params string[] keys) =>
        Conditions.Any(c => keys.Any(k => string.Equals(c.Key, k, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The statement's JSON map: <c>Sid</c>, <c>Effect</c>, <c>Principal</c>, <c>Action</c>, <c>Resource</c>, <c>Condition</c>.</summary>
    public ProgramValue ToProgramValue()
    {
        var entries = new Dictionary<string, ProgramValue>(StringComparer.Ordinal);
        if (Sid is not null)
        {
            entries["Sid"] = new LiteralValue(Sid);
        }

        entries["Effect"] = new LiteralValue(Effect);
        if (Principals.Count > 0)
        {
            entries["Principal"] = Principals is [{ Type: "*" } anyone]
                ? anyone.Value
                : new MapValue(Principals.ToDictionary(p => p.Type, p => p.Value, StringComparer.Ordinal));
        }

        if (Action is not null)
        {
            entries[NotAction ? "NotAction" : "Action"] = Action;
        }

        if (Resource is not null)
        {
            entries["Resource"] = Resource;
        }

        if (Conditions.Count > 0)
        {
            entries["Condition"] = new MapValue(Conditions
                .GroupBy(c => c.Operator, StringComparer.Ordinal)
                .ToDictionary(o => o.Key, o => (ProgramValue)new MapValue(o.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal)), StringComparer.Ordinal));
        }

        return new MapValue(entries);
    }
}
