using Infra.Testing.Access.Evaluation;

namespace Infra.Testing.Access;

/// <summary>
/// What the roles of a program may do on its resources once deployed, decided by a real IAM policy evaluator
/// (<see cref="Simulation.IamSimulator"/>): a role's identity policies (its inline <c>RolePolicy</c> resources and
/// <c>inlinePolicies</c>, and its managed policy attachments where the document is known) together with the target's
/// resource policy (bucket, key, queue, topic or repository policy). Start with <see cref="Role"/>:
/// <c>access.Role("embed-function-role").Can("s3:GetObject").On("models-bucket", "models/resnet18/0.23.1/model.json")</c>.
/// </summary>
public sealed class ProgramAccess
{
    /// <summary>Access over the given evaluated policies; <c>template.Access()</c> builds them from a program.</summary>
    public ProgramAccess(StackPolicies policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        Policies = policies;
    }

    /// <summary>Who holds which policies in the program as deployed.</summary>
    public StackPolicies Policies { get; }

    /// <summary>The role with this logical name (an <c>aws:iam/role:Role</c> resource of the program) as the caller.</summary>
    public RoleAccess Role(string logicalName)
    {
        ArgumentException.ThrowIfNullOrEmpty(logicalName);
        var roles = Policies.Resources(RoleType).ToList();
        if (!roles.Contains(logicalName, StringComparer.Ordinal))
        {
            var type = Policies.Outputs.Program.Resources.FirstOrDefault(r => r.Name == logicalName)?.Type;
            throw new StackAssertionException(type is null
                ? $"role '{logicalName}': expected an {RoleType} in the program, found none (roles: {string.Join(", ", roles)})"
                : $"role '{logicalName}': expected an {RoleType}, found a {type}");
        }

        return new RoleAccess(this, logicalName);
    }

    /// <summary>
    /// The ARN a request names: a resource's <c>arn</c> output (by logical name) or an ARN as given, with
    /// <paramref name="path"/> appended after a '/' (an S3 object key, a DynamoDB <c>index/name</c>). Also how a
    /// failure shows it: the logical name and the ARN.
    /// </summary>
    internal (string Arn, string Shown) Target(string resource, string? path)
    {
        var arn = resource.StartsWith("arn:", StringComparison.Ordinal) ? resource : ArnOf(resource);
        var full = path is null ? arn : $"{arn}/{path}";
        return (full, resource.StartsWith("arn:", StringComparison.Ordinal) ? full : $"'{resource}' ({full})");
    }

    private string ArnOf(string resource)
    {
        var entry = Policies.Outputs.Program.Resources.FirstOrDefault(r => r.Name == resource)
            ?? throw new StackAssertionException($"resource '{resource}': expected in the program, found none; name a resource by its logical name or pass an ARN");
        return Policies.Outputs.Outputs(resource)["arn"] is { } value ? ProgramEvaluator.Text(value, $"{resource}.arn", entry.Mark)
            : throw new StackAssertionException($"resource '{resource}' ({entry.Type}): expected an 'arn' output to evaluate access on, found none; pass the resource's ARN instead");
    }

    internal const string RoleType = Infra.Aws.Iam.Role.PulumiType;
}
