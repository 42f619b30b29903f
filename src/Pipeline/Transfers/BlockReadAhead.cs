using System.Buffers;
using System.Threading.Channels;

namespace HeyGenRender.Pipeline.Transfers;

/// <summary>One block read by <see cref="BlockReadAhead"/>; hand it back with <see cref="BlockReadAhead.Release"/> when done.</summary>
/// <param name="Buffer">The pooled buffer; only the first <paramref name="Length"/> bytes are the block.</param>
/// <param name="Length">The number of bytes in the block.</param>
/// <param name="Offset">The block's position in the source.</param>
public readonly record struct ReadBlock(byte[] Buffer, int Length, long Offset)
{
    /// <summary>The block's bytes.</summary>
    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);
}

/// <summary>
/// Reads a stream ahead of its consumer in whole blocks, so the source's reads overlap the consumer's writes (network
/// → blob staging, blob → HTTP PUT). A fixed set of <c>blockCount</c> pooled buffers circulates between the reader and
/// the consumer: memory is <c>blockCount × blockSize</c> whatever the stream's length, and the reader waits when the
/// consumer holds them all. A read error reaches the consumer at the block where it happened; disposing stops the reader
/// and returns the buffers (the consumer must not use a block after that).
/// An observer (a running hash) sees each block on a task of its own, in order, while the reader goes on to the next: on
/// two cores a hash inside the read loop put its 0.8 s/GiB on every block's path. The end of the stream is reported only
/// after the observer has seen the last block.
/// </summary>
public sealed class BlockReadAhead : IAsyncDisposable
{
    private readonly Stream _source;
    private readonly bool _ownsSource;
    private readonly int _blockSize;
    private readonly byte[][] _buffers;
    private readonly Channel<byte[]> _free;
    private readonly Channel<ReadBlock> _filled;
    private readonly Action<ReadOnlySpan<byte>>? _observe;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private Task _observing = Task.CompletedTask;
    private byte[]? _observedBuffer;
    private int _disposed;

    /// <summary>Starts reading <paramref name="source"/> from its current position.</summary>
    /// <param name="source">The stream to read to its end.</param>
    /// <param name="blockSize">The size of each block (the last may be shorter).</param>
    /// <param name="blockCount">How many blocks exist at once (at least 2: one being read, one being consumed).</param>
    /// <param name="observe">Sees every block in order, beside the consumer, before the end is reported (for a running hash).</param>
    /// <param name="ownsSource">Dispose <paramref name="source"/> with this.</param>
    public BlockReadAhead(Stream source, int blockSize, int blockCount, Action<ReadOnlySpan<byte>>? observe = null, bool ownsSource = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockCount, 2);
        _source = source;
        _ownsSource = ownsSource;
        _blockSize = blockSize;
        _observe = observe;
        _buffers = new byte[blockCount][];
        _free = Channel.CreateBounded<byte[]>(blockCount);
        _filled = Channel.CreateBounded<ReadBlock>(new BoundedChannelOptions(blockCount) { SingleReader = true, SingleWriter = true });
        for (var i = 0; i < blockCount; i++)
        {
            _buffers[i] = ArrayPool<byte>.Shared.Rent(blockSize);
            _free.Writer.TryWrite(_buffers[i]);
        }

        _reader = Task.Run(ReadAllAsync);
    }

    /// <summary>The next block in order, or null at the end of the stream.</summary>
    /// <exception cref="Exception">Whatever reading the source threw.</exception>
    public async ValueTask<ReadBlock?> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        while (await _filled.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_filled.Reader.TryRead(out var block))
            {
                return block;
            }
        }

        return null;
    }

    /// <summary>Gives a block's buffer back for the reader to fill again.</summary>
    public void Release(ReadBlock block) => _free.Writer.TryWrite(block.Buffer);

    /// <summary>Stops the reader, waits for it, and returns every buffer to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _observing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // it may still read a buffer
        foreach (var buffer in _buffers)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _stop.Dispose();
        if (_ownsSource)
        {
            await _source.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ReadAllAsync()
    {
        var cancellationToken = _stop.Token;
        long offset = 0;
        try
        {
            while (true)
            {
                var buffer = await _free.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (ReferenceEquals(buffer, _observedBuffer))
                {
                    await _observing.ConfigureAwait(false); // the consumer gave it back before the observer was done with it
                }

                var filled = 0;
                int read;
                while (filled < _blockSize && (read = await _source.ReadAsync(buffer.AsMemory(filled, _blockSize - filled), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    filled += read;
                }

                if (filled > 0)
                {
                    if (_observe is { } observe)
                    {
                        await _observing.ConfigureAwait(false); // one block at a time, in order
                        var (observed, length) = (buffer, filled);
                        _observedBuffer = observed;
                        _observing = Task.Run(() => observe(observed.AsSpan(0, length)), CancellationToken.None);
                    }

                    _filled.Writer.TryWrite(new ReadBlock(buffer, filled, offset));
                    offset += filled;
                }

                if (filled < _blockSize)
                {
                    break;
                }
            }

            await _observing.ConfigureAwait(false);
            _filled.Writer.TryComplete();
        }
        catch (Exception ex)
        {
            _filled.Writer.TryComplete(ex);
        }
    }
}
