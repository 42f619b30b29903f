using System.Buffers.Binary;

namespace HeyGen.Emulator.Media;

/// <summary>
/// A seekable, read-only stream of exactly <c>length</c> bytes: a real MP4 followed by a <c>free</c> box whose payload is
/// generated from the seed and the position on every read, so nothing but the small MP4 head is ever held in memory.
/// Open the same (head, length, seed) again to verify a download byte for byte.
/// </summary>
public sealed class SyntheticVideoStream : Stream
{
    private readonly byte[] _head;
    private readonly long _length;
    private readonly ulong _seed;
    private long _position;

    /// <summary>Creates the stream; when <paramref name="length"/> is at most the MP4's size, the MP4 itself is served.</summary>
    public SyntheticVideoStream(byte[] mp4, long length, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(mp4);
        _seed = seed;
        if (length < mp4.Length + 8)
        {
            _head = mp4;
            _length = mp4.Length;
            return;
        }

        // mp4 + free box header (64-bit size when needed) + generated payload = length.
        var headerSize = length - mp4.Length > uint.MaxValue ? 16 : 8;
        var free = new byte[headerSize];
        if (headerSize == 16)
        {
            BinaryPrimitives.WriteUInt32BigEndian(free, 1);
            "free"u8.CopyTo(free.AsSpan(4));
            BinaryPrimitives.WriteUInt64BigEndian(free.AsSpan(8), (ulong)(length - mp4.Length));
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(free, (uint)(length - mp4.Length));
            "free"u8.CopyTo(free.AsSpan(4));
        }

        _head = [.. mp4, .. free];
        _length = length;
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => true;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => _length;

    /// <inheritdoc/>
    public override long Position
    {
        get => _position;
        set => _position = Math.Clamp(value, 0, _length);
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Max(0, Math.Min(buffer.Length, _length - _position));
        var i = 0;
        for (; i < n && _position + i < _head.Length; i++)
        {
            buffer[i] = _head[_position + i];
        }

        // Unaligned start, whole 8-byte words (one SplitMix64 each: uploads and downloads of gigabytes stay fast), unaligned end.
        for (; i < n && ((_position + i) & 7) != 0; i++)
        {
            buffer[i] = ByteAt(_position + i);
        }

        for (; i + 8 <= n; i += 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer[i..], Word(_position + i));
        }

        for (; i < n; i++)
        {
            buffer[i] = ByteAt(_position + i);
        }

        _position += n;
        return n;
    }

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _length + offset,
    };

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    // SplitMix64 of the 8-byte word index: any position can be computed without reading what precedes it.
    private byte ByteAt(long position) => (byte)(Word(position) >> (int)((position & 7) * 8));

    // Byte k of a word is bits 8k..8k+7: the word is the little-endian encoding of its 8 bytes.
    private ulong Word(long position)
    {
        var z = (_seed + ((ulong)(position >> 3) * 0x9E3779B97F4A7C15UL)) ^ 0xD1B54A32D192ED03UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
