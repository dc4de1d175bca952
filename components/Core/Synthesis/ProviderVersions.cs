namespace Infra.Core.Synthesis;

/// <summary>
/// The provider plugin versions every resource pins through the <c>version</c> option. They are
/// the versions whose npm type declarations CI checks the program against, so what was checked
/// is what deploys.
/// </summary>
public static class ProviderVersions
{
    public static IReadOnlyDictionary<string, string> ByPackage { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["aws"] = "7.48.0",
        ["awsx"] = "3.9.0",
    };

    public static string? For(string typeToken)
    {
        var package = typeToken.Split(':')[0];
        return ByPackage.TryGetValue(package, out var version) ? version : null;
    }
}
