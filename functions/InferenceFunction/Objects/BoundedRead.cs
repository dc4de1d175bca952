namespace InferenceFunction.Objects;

/// <summary>
/// Reads an object's body without ever reading more than its limit plus one byte: a body declared over the limit is
/// refused before any byte is read, and one that keeps coming past the limit (its declared length lied, or the file
/// grew) is refused as soon as the byte after the limit arrives.
/// </summary>
internal static class BoundedRead
{
    private const int InitialGuess = 64 * 1024;

    /// <param name="declaredLength">The length the store announced (S3's Content-Length, the file's length): refused when over
    /// the limit, otherwise only the buffer's first size, never trusted to end the body.</param>
    /// <param name="tooLarge">The error for a body over the limit, given its declared length, or null when more bytes came than declared.</param>
    public static async Task<byte[]> ReadAsync(Stream body, long? declaredLength, long limit, Func<long?, Exception> tooLarge, CancellationToken cancellationToken)
    {
        if (declaredLength > limit)
        {
            throw tooLarge(declaredLength);
        }

        // An honest declaration fills its buffer exactly, with no copy; otherwise the buffer doubles up to limit + 1 bytes.
        var capacity = Math.Min(limit + 1, Array.MaxLength);
        var buffer = new byte[Math.Min(declaredLength is > 0 ? declaredLength.Value : InitialGuess, capacity)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total > limit)
                {
                    throw tooLarge(null);
                }

                // The buffer is full: the body may end exactly here, so look one byte further before growing it.
                var probe = new byte[1];
                if (await body.ReadAsync(probe, cancellationToken).ConfigureAwait(false) == 0)
                {
                    return buffer;
                }

                if (buffer.Length == capacity)
                {
                    throw tooLarge(null); // only for a limit the largest array cannot hold
                }

                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, capacity));
                buffer[total++] = probe[0];
                continue;
            }

            var read = await body.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return total == buffer.Length ? buffer : buffer[..total];
            }

            total += read;
        }
    }
}
