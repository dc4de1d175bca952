namespace Infra.Core;

/// <summary>The provider's exact name for an argument property, as in Pulumi's .NET SDK.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class InputAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
