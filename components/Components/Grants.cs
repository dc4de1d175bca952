using Infra.Aws.Iam;
using Infra.Core;

namespace Infra.Components;

/// <summary>Something that can be granted access through its IAM role (CDK's IGrantable): a function, or a bare role.</summary>
public interface IGrantable
{
    /// <summary>The role the grant's inline policy is attached to.</summary>
    Role GrantRole { get; }

    /// <summary>A stable name of the grantee, part of the grant's logical name: never a counter, so reordering grants renames nothing.</summary>
    string GrantName { get; }
}

/// <summary>The <see cref="IGrantable"/> of a role that belongs to no component, named after its logical name.</summary>
public sealed record RoleGrantee(Role Role) : IGrantable
{
    public Role GrantRole => Role;

    public string GrantName => Role.LogicalName;
}

/// <summary>
/// The grants a resource gave, by a stable key (the grantee and the access): asking again for the same grant returns the
/// resource made the first time. Resources named this way were once numbered in creation order; each keeps that old
/// name as an alias so that <c>pulumi up</c> on an existing stack updates it in place instead of replacing it.
/// </summary>
internal sealed class GrantRegistry<T>(IScope scope)
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
