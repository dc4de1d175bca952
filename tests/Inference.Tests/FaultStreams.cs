namespace Inference.Tests;

/// <summary>A file stream that fails like a full disk (ENOSPC) once more than <c>capacity</c> bytes were written.</summary>
internal sealed class DiskFullAfter(Stream inner, long capacity) : Stream
{
    private long _written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _written;
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_written + buffer.Length > capacity)
        {
            throw new IOException("No space left on device", 28);
        }

        await inner.WriteAsync(buffer, cancellationToken);
        _written += buffer.Length;
    }

    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>A response body that serves its bytes in small chunks, yielding between them: a slow but healthy connection.</summary>
internal sealed class TricklingStream(byte[] bytes, int chunk) : ReadOnlyBody(bytes)
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return Serve(buffer[..Math.Min(buffer.Length, chunk)]);
    }
}

/// <summary>
/// A response body that stops sending after <c>stallAt</c> bytes; the read then ends the way the SDK's read timeout ends it,
/// with an <see cref="OperationCanceledException"/> that is not the caller's. <c>onStall</c> runs when it stalls.
/// </summary>
internal sealed class StallingStream(byte[] bytes, int stallAt, Action onStall) : ReadOnlyBody(bytes)
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Served >= stallAt)
        {
            onStall();
            throw new TaskCanceledException();
        }

        return ValueTask.FromResult(Serve(buffer[..Math.Min(buffer.Length, stallAt - Served)]));
    }
}

internal abstract class ReadOnlyBody(byte[] bytes) : Stream
{
    protected int Served { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => bytes.Length;
    public override long Position { get => Served; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected int Serve(Memory<byte> buffer)
    {
        var count = Math.Min(buffer.Length, bytes.Length - Served);
        bytes.AsSpan(Served, count).CopyTo(buffer.Span);
        Served += count;
        return count;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A healthy response body that calls <c>beforeRead</c> with the bytes served so far before each read, to look at the disk mid-download.</summary>
internal sealed class WatchedStream(byte[] bytes, Action<int> beforeRead) : ReadOnlyBody(bytes)
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        beforeRead(Served);
        return ValueTask.FromResult(Serve(buffer[..Math.Min(buffer.Length, 1000)]));
    }
}
