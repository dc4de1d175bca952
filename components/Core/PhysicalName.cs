using System.Security.Cryptography;
using System.Text;

namespace Infra.Core;

/// <summary>
/// What one AWS resource type accepts as a fixed physical name: its maximum length and its characters. The values come
/// from each service's API reference, cited where a rule is declared (see <see cref="PhysicalName"/>).
/// </summary>
/// <param name="MaxLength">The most characters AWS accepts, including any fixed prefix.</param>
/// <param name="Allowed">Whether AWS accepts a character in the name.</param>
public sealed record PhysicalNameRule(int MaxLength, Func<char, bool> Allowed)
{
    /// <summary>Letters, digits and the given punctuation, the shape most AWS name rules take.</summary>
    public static PhysicalNameRule Of(int maxLength, string punctuation) =>
        new(maxLength, c => char.IsAsciiLetterOrDigit(c) || punctuation.Contains(c, StringComparison.Ordinal));

    public bool Accepts(string name) => name.Length <= MaxLength && name.All(Allowed);
}

/// <summary>
/// Fixed physical names built from parts (the project, the stack, the component path), which may be up to 100
/// characters each and may hold '.' and '_' (Pulumi's project and stack names). A name the rule accepts is kept
/// byte for byte, so no deployed resource is replaced; only a name AWS would reject changes: each character the rule
/// refuses becomes '-', and the name ends in '-' and 8 hex characters of the SHA-256 of the original name, cut short
/// before them where the rule's length needs it. The same parts always give the same name, and different parts keep
/// different names (up to the hash).
/// </summary>
public static class PhysicalName
{
    /// <summary>The hex characters of the hash that ends a changed name.</summary>
    public const int HashLength = 8;

    /// <summary>
    /// <paramref name="prefix"/> (kept as is: AWS requires it, e.g. <c>alias/</c>) and the parts joined by
    /// <paramref name="separator"/>, as <paramref name="rule"/> accepts them.
    /// </summary>
    public static string Join(PhysicalNameRule rule, string prefix, char separator, params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var name = prefix + string.Join(separator, parts);
        if (rule.Accepts(name))
        {
            return name;
        }

        var suffix = "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..HashLength];
        var room = rule.MaxLength - prefix.Length - suffix.Length;
        if (room < 1 || !prefix.All(rule.Allowed) || !suffix.All(rule.Allowed))
        {
            throw new ArgumentException($"no name of at most {rule.MaxLength} characters starts with '{prefix}' and ends in a hash", nameof(prefix));
        }

        var body = new string([.. name[prefix.Length..].Select(c => rule.Allowed(c) ? c : '-')]);
        return prefix + body[..Math.Min(body.Length, room)] + suffix;
    }
}
