namespace Infra.Core;

/// <summary>
/// Where resources are created: the stack itself or a component. A scope prefixes the names
/// of what it creates and supplies the tags they carry.
/// </summary>
public interface IScope
{
    Stack Stack { get; }

    /// <summary>The component path for errors and tags, e.g. <c>api/models</c>; empty for the stack.</summary>
    string Path { get; }

    /// <summary>The logical name for a resource created in this scope.</summary>
    string QualifyName(string name);

    /// <summary>Tags for resources created in this scope (stack tags, then component tags).</summary>
    IReadOnlyDictionary<string, string> Tags { get; }

    /// <summary>Earlier logical names a resource of this scope had, from renamed components.</summary>
    IEnumerable<string> FormerNames(string name);
}
