using System.Text;

namespace Infra.Testing.Programs;

/// <summary>The inside of a <c>${...}</c> reference: <c>res.prop[0]["key"]</c>.</summary>
public sealed record PropertyAccess(IReadOnlyList<PropertyAccessor> Accessors)
{
    /// <summary>The resource, variable or config key the reference starts from.</summary>
    public string RootName => Accessors[0] switch
    {
        PropertyName name => name.Name,
        PropertyKey key => key.Key,
        _ => throw new InvalidOperationException("a reference cannot start with a list index"),
    };

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var accessor in Accessors)
        {
            switch (accessor)
            {
                case PropertyName name:
                    if (text.Length > 0) text.Append('.');
                    text.Append(name.Name);
                    break;
                case PropertyKey key:
                    text.Append("[\"").Append(key.Key.Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\"]");
                    break;
                case PropertyIndex index:
                    text.Append('[').Append(index.Index).Append(']');
                    break;
            }
        }
        return text.ToString();
    }
}

public abstract record PropertyAccessor;

/// <summary><c>.name</c></summary>
public sealed record PropertyName(string Name) : PropertyAccessor;

/// <summary><c>["key"]</c></summary>
public sealed record PropertyKey(string Key) : PropertyAccessor;

/// <summary><c>[0]</c></summary>
public sealed record PropertyIndex(int Index) : PropertyAccessor;
