namespace HeyGen.Client.Tests.Support;

/// <summary>
/// A read-only, non-seekable stream of <c>length</c> deterministic bytes, generated on the fly, optionally
/// starting with a fixed prefix (for example an MP4 <c>ftyp</c> box so content sniffing accepts it).
/// </summary>
internal sealed class PatternStream(long length, byte[]? prefix = null) : Stream
{
    /// <summary>An ISO BMFF <c>ftyp</c> box: the bytes an MP4 starts with.</summary>
    public static readonly byte[] Mp4Prefix = [0, 0, 0, 16, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m', 0, 0, 2, 0];

    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public static byte ByteAt(long i) => (byte)((i * 31) ^ (i >> 8));

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        for (var i = 0; i < n; i++)
        {
            var at = _position + i;
            buffer[i] = prefix is not null && at < prefix.Length ? prefix[at] : ByteAt(at);
        }

        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
