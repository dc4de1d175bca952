using System.Security.Cryptography;

namespace Infra.Registry;

/// <summary>The sha256 (lower-case hex) and length of a stream, read once.</summary>
public sealed record FileDigest(string Sha256, long SizeBytes)
{
    public static async Task<FileDigest> OfAsync(Stream content, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }

        return new FileDigest(Convert.ToHexStringLower(hash.GetHashAndReset()), total);
    }

    public static async Task<FileDigest> OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return await OfAsync(file, cancellationToken).ConfigureAwait(false);
    }
}
