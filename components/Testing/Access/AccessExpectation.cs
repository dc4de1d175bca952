using Infra.Testing.Access.Simulation;

namespace Infra.Testing.Access;

/// <summary>
/// One expected decision: a role calling an action, with the request's condition keys, on the resource that
/// <see cref="On"/> names. <see cref="On"/> evaluates it and throws <see cref="StackAssertionException"/> when IAM decides
/// otherwise, naming the role, the action, the resource and the statements that decided it.
/// </summary>
public sealed class AccessExpectation
{
    private readonly ProgramAccess _access;
    private readonly RoleAccess _role;
    private readonly bool _expectAllowed;
    private readonly Dictionary<string, object> _context;
    private readonly List<string> _given = [];

    internal AccessExpectation(ProgramAccess access, RoleAccess role, string action, bool expectAllowed)
    {
        ArgumentException.ThrowIfNullOrEmpty(action);
        _access = access;
        _role = role;
        Action = action;
        _expectAllowed = expectAllowed;
        // What AWS sets on every request of a role's session over HTTPS; When(...) overrides any of them.
        _context = StackPolicies.RoleRequestContext(role.Arn);
    }

    /// <summary>The IAM action, e.g. <c>s3:PutObject</c>.</summary>
    public string Action { get; }

    /// <summary>
    /// A condition key of the request, e.g. <c>When("aws:SecureTransport", "false")</c> or
    /// <c>When("s3:x-amz-server-side-encryption", "aws:kms")</c>; several values make a multivalued key. By default a
    /// request comes over HTTPS from the role's session (<c>aws:SecureTransport</c>, <c>aws:PrincipalArn</c>, ...).
    /// </summary>
    public AccessExpectation When(string conditionKey, params string[] values)
    {
        ArgumentException.ThrowIfNullOrEmpty(conditionKey);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
        {
            throw new ArgumentException($"condition key '{conditionKey}' needs at least one value", nameof(values));
        }

        _context[conditionKey] = values.Length == 1 ? values[0] : values;
        _given.Add($"{conditionKey}={string.Join("|", values)}");
        return this;
    }

    /// <summary>
    /// Evaluates the request on <paramref name="resource"/>: a logical name (its <c>arn</c> output as deployed) or an ARN.
    /// <paramref name="path"/> goes after the ARN and a '/': an S3 object key (<c>"models/resnet18/model.onnx"</c>) or a
    /// DynamoDB <c>"index/by-request-id"</c>. Like AWS, the evaluator decides a request on one resource, so a wildcard
    /// (<c>*</c> or <c>?</c>) is refused: name a representative object. The resource's own policy, if it has one, is
    /// evaluated with the role's.
    /// </summary>
    public void On(string resource, string? path = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        var (arn, shown) = _access.Target(resource, path);
        if (arn.AsSpan().IndexOfAny('*', '?') >= 0)
        {
            throw new ArgumentException($"{Action} on {shown}: IAM decides a request on one resource; name one (an object key such as '{Example(path)}'), not a pattern", nameof(path));
        }

        var policies = _access.Policies;
        var identity = policies.IdentityPolicies(_role.LogicalName);
        var resourcePolicy = policies.ResourcePolicy(arn);
        var request = new AccessRequest($"{_role.LogicalName} {Action}", _role.Arn, Action, arn, StackPolicies.ResourceAccount(arn),
            _context, identity, resourcePolicy);
        var decision = IamSimulator.Evaluate([request])[0];
        if (decision.Result == AccessDecision.Allowed == _expectAllowed)
        {
            return;
        }

        var conditions = _given.Count == 0 ? "" : $" with {string.Join(", ", _given)}";
        var why = decision.Deciding.Count > 0 ? $" by {string.Join(", ", decision.Deciding)}"
            : decision.Result == AccessDecision.ImplicitlyDenied ? ": no statement allows it" : "";
        var evaluated = $"identity policies: {(identity.Count == 0 ? "none" : string.Join(", ", identity.Select(p => p.Name)))}; "
            + $"resource policy: {(resourcePolicy is null ? "none" : resource.StartsWith("arn:", StringComparison.Ordinal) ? "the resource's" : $"{resource}'s")}";
        throw new StackAssertionException(
            $"{_role}: expected {Action} on {shown}{conditions} to be {(_expectAllowed ? "allowed" : "denied")}, " +
            $"found {decision.Result}{why} ({evaluated})");
    }

    private static string Example(string? path) =>
        path is null ? "name" : path.Replace("*", "image.jpg", StringComparison.Ordinal).Replace('?', 'x');
}
