namespace Infra.Core;

/// <summary>Engine options for one resource; the names and meanings are Pulumi's.</summary>
public sealed class CustomResourceOptions
{
    /// <summary>Resources that must be created before this one, beyond those its inputs reference.</summary>
    public IList<Resource> DependsOn { get; init; } = [];

    /// <summary>Refuse to delete the resource (data-holding resources in production).</summary>
    public bool? Protect { get; init; }

    /// <summary>Input properties whose changes the engine ignores, by provider name.</summary>
    public IList<string> IgnoreChanges { get; init; } = [];

    /// <summary>Leave the cloud resource in place when it leaves the program.</summary>
    public bool? RetainOnDelete { get; init; }

    /// <summary>Delete before creating the replacement (for resources with unique names).</summary>
    public bool? DeleteBeforeReplace { get; init; }

    /// <summary>Input properties whose change forces a replacement.</summary>
    public IList<string> ReplaceOnChanges { get; init; } = [];

    /// <summary>Earlier identities of this resource, so that a rename is not a delete and a create.</summary>
    public IList<Alias> Aliases { get; init; } = [];

    public CustomTimeouts? CustomTimeouts { get; init; }

    /// <summary>Output properties the engine must treat as secret.</summary>
    public IList<string> AdditionalSecretOutputs { get; init; } = [];
}

/// <summary>An earlier identity of a resource: its old logical name, or its full old URN.</summary>
public sealed record Alias
{
    public string? Name { get; init; }

    public string? Urn { get; init; }

    public string? Stack { get; init; }

    public string? Project { get; init; }
}

/// <summary>How long the engine waits for each operation, e.g. "20m".</summary>
public sealed record CustomTimeouts
{
    public string? Create { get; init; }

    public string? Update { get; init; }

    public string? Delete { get; init; }
}
