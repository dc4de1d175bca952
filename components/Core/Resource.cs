namespace Infra.Core;

/// <summary>
/// A resource of the program. Constructing one registers it with the stack of its scope,
/// under the scope's name prefix.
/// </summary>
public abstract class Resource : ISymbol
{
    protected Resource(string type, IScope scope, string name, ResourceArgs args, CustomResourceOptions? options)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        TypeToken = type;
        Scope = scope;
        LocalName = name;
        LogicalName = scope.QualifyName(name);
        Args = args ?? throw new ArgumentNullException(nameof(args));
        Options = options ?? new CustomResourceOptions();
        scope.Stack.Register(this);
    }

    /// <summary>The Pulumi type token, e.g. <c>aws:s3/bucket:Bucket</c>.</summary>
    public string TypeToken { get; }

    /// <summary>The logical name in the program, including the component prefix.</summary>
    public string LogicalName { get; }

    string ISymbol.Name => LogicalName;

    /// <summary>The name given by the code that created it, without the prefix.</summary>
    public string LocalName { get; }

    public IScope Scope { get; }

    public ResourceArgs Args { get; }

    public CustomResourceOptions Options { get; }

    /// <summary>The provider-assigned id, <c>${name.id}</c>.</summary>
    public Output<string> Id => GetOutput<string>("id");

    /// <summary>The resource's URN, <c>${name.urn}</c>.</summary>
    public Output<string> Urn => GetOutput<string>("urn");

    /// <summary>An output property by its provider name; the typed subclasses expose the common ones.</summary>
    public Output<T> GetOutput<T>(string property) => new(new ReferenceValue(this, property));

    public override string ToString() => $"{LogicalName} ({TypeToken})";
}

/// <summary>A resource managed by a provider plugin (every AWS resource).</summary>
public abstract class CustomResource(string type, IScope scope, string name, ResourceArgs args, CustomResourceOptions? options)
    : Resource(type, scope, name, args, options);
