using System.Security.Cryptography;
using System.Text;

namespace Inference.Tests.GpuEndpoint;

/// <summary>
/// SigV4 written from the specification alone, sharing no code with the front's signer (neither its canonical request
/// nor AWSSDK.Core): it recomputes the signature of a received request from the headers the request says it signed,
/// the way AWS does before it accepts a call. Its own correctness is pinned by AWS's SigV4 test-suite vectors.
/// </summary>
internal static class SigV4Verifier
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    /// <summary>The expected signature (lower-case hex) of a request with these parts.</summary>
    public static string Signature(string method, string canonicalPath, IEnumerable<KeyValuePair<string, string>> signedHeaders, byte[] body,
        string amzDate, string region, string service, string secretKey = SecretKey)
    {
        var headers = signedHeaders.Select(h => (Name: h.Key.ToLowerInvariant(), Value: h.Value.Trim())).OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
        var canonicalRequest = method + "\n" + canonicalPath + "\n" + "\n"
            + string.Concat(headers.Select(h => h.Name + ":" + h.Value + "\n")) + "\n"
            + string.Join(";", headers.Select(h => h.Name)) + "\n"
            + Hex(SHA256.HashData(body));
        var day = amzDate[..8];
        var scope = $"{day}/{region}/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { day, region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>Checks a received request's Authorization header: null when it is valid, otherwise why not.</summary>
    public static string? Verify(HttpRequestMessage request, byte[] body, string region, string service, string secretKey = SecretKey)
    {
        if (!request.Headers.TryGetValues("Authorization", out var values) || values.SingleOrDefault() is not { } authorization)
        {
            return "no Authorization header";
        }

        var fields = authorization["AWS4-HMAC-SHA256 ".Length..].Split(", ").Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);
        var amzDate = request.Headers.GetValues("X-Amz-Date").Single();
        if (fields["Credential"] != $"{AccessKey}/{amzDate[..8]}/{region}/{service}/aws4_request")
        {
            return $"credential scope '{fields["Credential"]}'";
        }

        var signed = fields["SignedHeaders"].Split(';');
        foreach (var required in new[] { "host", "x-amz-date" })
        {
            if (!signed.Contains(required))
            {
                return $"'{required}' is not signed";
            }
        }

        var headers = signed.Select(name => new KeyValuePair<string, string>(name, name == "host"
            ? request.RequestUri!.Authority
            : string.Join(",", request.Headers.NonValidated[name])));
        // The path as sent, encoded once more (SigV4 for every service but S3).
        var path = string.Join("/", request.RequestUri!.AbsolutePath.Split('/').Select(Uri.EscapeDataString));
        var expected = Signature(request.Method.Method, path, headers, body, amzDate, region, service, secretKey);
        return expected == fields["Signature"] ? null : $"signature {fields["Signature"]}, expected {expected}";
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
