namespace Infra.Core;

/// <summary>
/// One of a provider's fixed words (a Lambda runtime, a usage-plan period...) as a type rather than a string: each kind
/// names its known values as static members, and <c>All</c> lists them for validation and config parsing. Like a C#
/// enum, a value outside the list can be constructed and is refused when the component that receives it validates.
/// </summary>
/// <param name="Value">The word exactly as the provider spells it, e.g. <c>provided.al2023</c>.</param>
public abstract record NamedValue(string Value)
{
    public sealed override string ToString() => Value;
}
