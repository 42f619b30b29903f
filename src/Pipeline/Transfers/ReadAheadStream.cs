namespace HeyGenRender.Pipeline.Transfers;

/// <summary>
/// A read-only stream of known length over a source opened at an offset (a blob GET), read ahead in blocks by
/// <see cref="BlockReadAhead"/> so the source's reads overlap the consumer's writes. Setting <see cref="Position"/> reopens
/// the source there, so a consumer that rewinds to retry (the HeyGen client's <c>PUT</c>) still can. Given a
/// <see cref="RunningSha256"/>, every block is hashed as it arrives, beside the consumer, so the hash costs no pass of its
/// own; the last read (the one that returns 0) returns only once the hash has seen every byte.
/// </summary>
public sealed class ReadAheadStream : Stream
{
    private readonly Func<long, CancellationToken, Task<Stream>> _open;
    private readonly long _length;
    private readonly int _blockSize;
    private readonly int _blockCount;
    private readonly RunningSha256? _hash;
    private BlockReadAhead? _ahead;
    private ReadBlock? _current;
    private int _used;
    private long _position;

    /// <summary>Creates the stream; nothing is read until the first read.</summary>
    /// <param name="open">Opens the source at the given offset.</param>
    /// <param name="length">The source's length.</param>
    /// <param name="blockSize">The read-ahead block size.</param>
    /// <param name="blockCount">How many blocks are in memory at once.</param>
    /// <param name="hash">Hashes the bytes read from the source, when given.</param>
    public ReadAheadStream(Func<long, CancellationToken, Task<Stream>> open, long length, int blockSize, int blockCount, RunningSha256? hash = null)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _open = open;
        _length = length;
        _blockSize = blockSize;
        _blockCount = blockCount;
        _hash = hash;
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => true;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => _length;

    /// <inheritdoc />
    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            if (value != _position)
            {
                // Blocking here is rare (a retried PUT) and the dispose only waits for a cancelled read.
                StopAsync().AsTask().GetAwaiter().GetResult();
                _position = value;
            }
        }
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_position >= _length)
        {
            await ReadToTheEndAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }

        if (_current is not { } block || _used == block.Length)
        {
            ReleaseCurrent();
            if (_ahead is null)
            {
                _hash?.Restart(_position);
                _ahead = new BlockReadAhead(await _open(_position, cancellationToken).ConfigureAwait(false), _blockSize, _blockCount, _hash is null ? null : new Action<ReadOnlySpan<byte>>(_hash.Append), ownsSource: true);
            }

            var next = await _ahead.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                return 0;
            }

            block = next.Value;
            _current = block;
            _used = 0;
        }

        var count = Math.Min(buffer.Length, block.Length - _used);
        block.Buffer.AsMemory(_used, count).CopyTo(buffer);
        _used += count;
        _position += count;
        return count;
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _length + offset,
    };

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            StopAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    /// <summary>Waits for the read-ahead to report the source's end, which comes after its observer (the hash) is done.</summary>
    private async ValueTask ReadToTheEndAsync(CancellationToken cancellationToken)
    {
        if (_ahead is null)
        {
            return;
        }

        ReleaseCurrent();
        if (await _ahead.ReadAsync(cancellationToken).ConfigureAwait(false) is { } more)
        {
            _ahead.Release(more);
            throw new InvalidDataException($"The source gave more than its {_length} bytes.");
        }
    }

    /// <summary>Gives the block being read back to the read-ahead.</summary>
    private void ReleaseCurrent()
    {
        if (_current is { } done)
        {
            _ahead!.Release(done);
            _current = null;
            _used = 0;
        }
    }

    private async ValueTask StopAsync()
    {
        _current = null;
        _used = 0;
        if (_ahead is { } ahead)
        {
            _ahead = null;
            await ahead.DisposeAsync().ConfigureAwait(false);
        }
    }
}
