namespace Infra.Configuration;

/// <summary>
/// The raw config of one stack, as Pulumi hands it over: fully qualified keys
/// (<c>project:key</c>, <c>aws:region</c>) and string values. Structured values are JSON text.
/// Keys whose value is encrypted and unknown here (a <c>secure:</c> entry read from a stack
/// file) are present in <see cref="EncryptedKeys"/> only.
/// </summary>
public sealed record ConfigValues(IReadOnlyDictionary<string, string> Values, IReadOnlySet<string> EncryptedKeys)
{
    public static ConfigValues Empty { get; } = new(new Dictionary<string, string>(), new HashSet<string>());
}
