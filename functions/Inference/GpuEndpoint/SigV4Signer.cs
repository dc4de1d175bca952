using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace Inference.GpuEndpoint;

/// <summary>
/// Signs one HTTP request with AWS Signature Version 4: the canonical request is built here (AWSSDK.Core keeps its
/// helpers for that internal), and AWSSDK.Core's <see cref="AWS4Signer"/> derives the key and signs (no service client
/// package is needed). The request's own headers, <c>host</c>, <c>x-amz-date</c> and, for temporary
/// credentials (Lambda's), <c>x-amz-security-token</c> are signed; the body's SHA-256 is the payload hash.
/// </summary>
public static class SigV4Signer
{
    /// <summary>Adds <c>Host</c>, <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> and <c>Authorization</c> to <paramref name="message"/>.</summary>
    /// <param name="body">Exactly the bytes the request will send.</param>
    public static void Sign(HttpRequestMessage message, ReadOnlySpan<byte> body, ImmutableCredentials credentials, string region, string service, DateTime signedAtUtc)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(credentials);
        var uri = message.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(message));
        if (uri.Query.Length > 0)
        {
            throw new ArgumentException($"'{uri}' has a query; only requests without one are signed here.", nameof(message));
        }

        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}";
        var date = signedAtUtc.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        message.Headers.Host = host;
        message.Headers.Remove("X-Amz-Date");
        message.Headers.TryAddWithoutValidation("X-Amz-Date", date);
        if (credentials.UseToken)
        {
            message.Headers.Remove("X-Amz-Security-Token");
            message.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }

        var headers = message.Headers.NonValidated
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: CanonicalValue(string.Join(",", h.Value))))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToArray();
        var signedHeaders = string.Join(";", headers.Select(h => h.Name));
        var canonical = new StringBuilder()
            .Append(message.Method.Method).Append('\n')
            .Append(CanonicalPath(uri.AbsolutePath)).Append('\n')
            .Append('\n') // no query string
            .AppendJoin("", headers.Select(h => $"{h.Name}:{h.Value}\n")).Append('\n')
            .Append(signedHeaders).Append('\n')
            .Append(Convert.ToHexStringLower(SHA256.HashData(body)))
            .ToString();

        // The SDK derives the signing key and signs the string to sign (its canonicalization helpers are not public).
        var result = AWS4Signer.ComputeSignature(credentials, region, signedAtUtc.ToUniversalTime(), service, signedHeaders, canonical);
        message.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
    }

    /// <summary>Each segment URI-encoded twice, as SigV4 wants for every service but S3 (an already encoded path keeps its escapes encoded).</summary>
    private static string CanonicalPath(string path) =>
        path.Length == 0 ? "/" : string.Join("/", path.Split('/').Select(segment => Uri.EscapeDataString(Uri.EscapeDataString(Uri.UnescapeDataString(segment)))));

    /// <summary>The value trimmed, with runs of spaces collapsed to one (SigV4's canonical header value).</summary>
    private static string CanonicalValue(string value) => string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
