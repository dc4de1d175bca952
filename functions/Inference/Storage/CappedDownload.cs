using System.Security.Cryptography;

namespace Inference.Storage;

/// <summary>
/// Copies a download to its temporary file while hashing it, and stops as soon as more bytes arrive than the file may
/// have: a wrong or substituted object can never fill the disk, and no more than the cap plus one byte is read.
/// </summary>
internal static class CappedDownload
{
    /// <param name="write">Writes one chunk to the temporary file.</param>
    /// <param name="cap">The most bytes the file may have; null for no cap.</param>
    /// <param name="overCap">The error once the cap is passed, given the bytes received so far.</param>
    /// <returns>The bytes copied and their lower-case hex sha256.</returns>
    public static async Task<(long Length, string Sha256)> CopyAsync(Stream source, Func<ReadOnlyMemory<byte>, Task> write, long? cap,
        Func<long, Exception> overCap, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long total = 0;
        while (true)
        {
            // Asks for no more than the byte after the cap, so the connection is read no further than needed to know.
            var wanted = cap is { } most ? (int)Math.Min(buffer.Length, most + 1 - total) : buffer.Length;
            var read = await source.ReadAsync(buffer.AsMemory(0, wanted), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (total, Convert.ToHexStringLower(hash.GetHashAndReset()));
            }

            total += read;
            if (total > cap)
            {
                throw overCap(total);
            }

            hash.AppendData(buffer, 0, read);
            await write(buffer.AsMemory(0, read)).ConfigureAwait(false);
        }
    }
}
