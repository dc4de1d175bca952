using Infra.Testing.Programs;

namespace SchemaCheck.TypeScript;

/// <summary>
/// Where a Pulumi type token lives in the TypeScript SDKs, and which canonical tokens pulumi-yaml would
/// resolve it to (so the class that TypeScript finds can be checked to carry one of them).
/// </summary>
public sealed record TypeTarget(string TypeScriptPath, IReadOnlyList<string> AcceptedTokens)
{
    /// <summary>pulumi-yaml resolves tokens ignoring case; see its resolveToken.</summary>
    public bool Accepts(string canonicalToken) =>
        AcceptedTokens.Any(token => string.Equals(token, canonicalToken, StringComparison.OrdinalIgnoreCase));
}

public static class TypeTokens
{
    /// <summary>The packages the generated modules import, by their token prefix (also the import alias).</summary>
    public static IReadOnlyList<string> Packages { get; } = ["aws", "awsx"];

    public static TypeTarget Resource(string token, SourceMark mark)
    {
        var parts = token.Split(':');
        if (parts is ["pulumi", "providers", var providerPackage])
        {
            RequireKnownPackage(providerPackage, token, mark);
            return new TypeTarget($"{providerPackage}.Provider", [token]);
        }
        var (package, module, name) = Split(parts, token, "resource type", mark);
        return new TypeTarget(PathOf(package, module, name), AcceptedTokens(parts, package, module, name));
    }

    /// <summary>A function token maps to the SDK's <c>...Output</c> form, which takes inputs and returns an output.</summary>
    public static TypeTarget Function(string token, SourceMark mark)
    {
        var parts = token.Split(':');
        var (package, module, name) = Split(parts, token, "function", mark);
        return new TypeTarget(PathOf(package, module, name) + "Output", AcceptedTokens(parts, package, module, name));
    }

    private static (string Package, string Module, string Name) Split(string[] parts, string token, string what, SourceMark mark)
    {
        if (parts.Length is < 2 or > 3 || parts.Any(string.IsNullOrEmpty))
            throw new ProgramFormatException($"invalid {what} token '{token}' (expected package:module:Name)", mark);
        RequireKnownPackage(parts[0], token, mark);
        var module = parts.Length == 2 ? "index" : parts[1].Split('/')[0];
        return (parts[0], module, parts[^1]);
    }

    private static void RequireKnownPackage(string package, string token, SourceMark mark)
    {
        if (!Packages.Contains(package))
            throw new ProgramFormatException(
                $"type token '{token}' is from package '{package}', which the schema check does not have (it has {string.Join(", ", Packages)})", mark);
    }

    private static string PathOf(string package, string module, string name) =>
        module == "index" ? $"{package}.{name}" : $"{package}.{module}.{name}";

    // The token as written, its `pkg:index:Name` form for `pkg:Name`, and the legacy `pkg:mod/name:Name` form.
    private static List<string> AcceptedTokens(string[] parts, string package, string module, string name)
    {
        var accepted = new List<string> { string.Join(':', parts) };
        if (parts.Length == 2) accepted.Add($"{package}:index:{name}");
        if (!parts[^2].Contains('/')) accepted.Add($"{package}:{module}/{name.ToLowerInvariant()}:{name}");
        return accepted;
    }
}
