using System.Security.Cryptography;
using Infra.Local.StackReading;

namespace Infra.Local.Gateway;

/// <summary>A local API key per client of an API, new for each serve run (40 letters and digits, like API Gateway's).</summary>
public static class LocalApiKeys
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static IReadOnlyDictionary<string, string> Generate(LocalApi api)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.Clients.ToDictionary(client => client.Name, _ => RandomNumberGenerator.GetString(Alphabet, 40), StringComparer.Ordinal);
    }
}
