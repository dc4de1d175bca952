using Infra.Aws.Iam;
using Infra.Core;

namespace Infra.Components;

/// <summary>Something that can be granted access through its IAM role (CDK's IGrantable): a function, or a bare role.</summary>
public interface IGrantable
{
    /// <summary>The role the grant's inline policy is attached to.</summary>
    Role GrantRole { get; }

    /// <summary>Where the grantee is in the stack, e.g. <c>batch/function</c>: grants are named after it, never after a counter.</summary>
    string GrantPath { get; }
}

/// <summary>The <see cref="IGrantable"/> of a role that belongs to no component, named after its logical name.</summary>
public sealed record RoleGrantee(Role Role) : IGrantable
{
    public Role GrantRole => Role;

    public string GrantPath => Role.Scope.Path.Length == 0 ? Role.LocalName : Role.Scope.Path + "/" + Role.LocalName;
}

/// <summary>How a grant names its grantee.</summary>
internal static class GrantNames
{
    /// <summary>
    /// The grantee's path relative to the granting component's parent, with '-' for '/': a function beside the bucket in
    /// the same pattern is just <c>function</c>, which keeps logical names within their length limit.
    /// </summary>
    /// <param name="kind">The grant's kind, the start of its local name, e.g. <c>grant-read</c>.</param>
    public static string Of(ComponentResource granter, string kind, string path)
    {
        var parent = granter.Path.Length == granter.Name.Length ? "" : granter.Path[..^(granter.Name.Length + 1)] + "/";
        var relative = (parent.Length > 0 && path.StartsWith(parent, StringComparison.Ordinal) ? path[parent.Length..] : path).Replace('/', '-');
        var name = $"{kind}-{relative}";

        // A grantee far from the granter could push the logical name past its limit: a hash of its path is as stable.
        return granter.QualifyName(name).Length <= Stack.MaxNameLength
            ? name
            : $"{kind}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path)))[..8]}";
    }
}

/// <summary>
/// The grants a resource gave, by a stable key (the grantee and the access): asking again for the same grant returns the
/// resource made the first time. Resources named this way were once numbered in creation order; each keeps that old
/// name as an alias so that <c>pulumi up</c> on an existing stack updates it in place instead of replacing it.
/// </summary>
internal sealed class GrantsByName<T>(IScope scope)
    where T : Resource
{
    private readonly Dictionary<string, (T Resource, string Detail)> _made = new(StringComparer.Ordinal);

    /// <param name="localName">The grant's name in its scope, built from the grantee.</param>
    /// <param name="detail">What else the grant is made of (e.g. the prefix): asking for the same name with another detail is an error.</param>
    /// <param name="formerLocalName">The numbered name the same grant had before grants were named after their grantee; null for a kind of grant that never had one.</param>
    public T GetOrCreate(string localName, string detail, Func<int, string>? formerLocalName, Func<CustomResourceOptions, T> create)
    {
        if (_made.TryGetValue(localName, out var made))
        {
            if (made.Detail != detail)
            {
                throw new SynthesisException(scope.Path,
                    $"'{localName}' was already granted with {made.Detail}, not {detail}: one grant per grantee and access (combine them, or use another grantee)");
            }

            return made.Resource;
        }

        var former = formerLocalName?.Invoke(_made.Count + 1);
        var options = new CustomResourceOptions
        {
            Aliases = former is null ? [] : [.. new[] { scope.QualifyName(former) }.Concat(scope.FormerNames(former)).Select(name => new Alias { Name = name })],
        };
        var resource = create(options);
        _made.Add(localName, (resource, detail));
        return resource;
    }
}

/// <summary>
/// Read access to a predictions log, for analysis or evaluation outside the function (CDK's <c>grantReadData</c>): the
/// item reads on the table and its indexes, and the use of the table's key to decrypt them.
/// </summary>
internal sealed class PredictionsLogReaders(ComponentResource owner)
{
    private static readonly string[] ReadActions = ["dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"];

    private readonly GrantsByName<RolePolicy> _grants = new(owner);

    /// <summary>As <c>grant-read-predictions-{grantee}</c>; asking again for the same grantee returns that policy.</summary>
    public RolePolicy Grant(IGrantable grantee, Aws.DynamoDB.Table table, Aws.Kms.Key key)
    {
        ArgumentNullException.ThrowIfNull(grantee);
        var name = GrantNames.Of(owner, "grant-read-predictions", grantee.GrantPath);
        return _grants.GetOrCreate(name, $"grantee '{grantee.GrantPath}'", formerLocalName: null, options => new RolePolicy(owner, name, new RolePolicyArgs
        {
            Role = grantee.GrantRole.RoleName,
            Policy = PolicyDocuments.Of(
                PolicyDocuments.Allow("ReadPredictions", ReadActions, new InputList<string> { table.Arn, Output.Format($"{table.Arn}/index/*") }),
                PolicyDocuments.Allow("DecryptPredictions", ["kms:Decrypt", "kms:DescribeKey"], key.Arn)),
        }, options));
    }
}
