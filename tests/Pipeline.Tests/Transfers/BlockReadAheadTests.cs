using System.Security.Cryptography;
using HeyGenRender.Pipeline.Transfers;

namespace HeyGenRender.Pipeline.Tests.Transfers;

public sealed class BlockReadAheadTests
{
    private static byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task ReadAsync_SourceInSmallPieces_YieldsSameBytesInFullBlocksInOrder()
    {
        var data = Bytes((10 * 1000) + 123);
        var observed = new MemoryStream();
        await using var ahead = new BlockReadAhead(new TrickleStream(data, 333), blockSize: 1000, blockCount: 3, observe: s => observed.Write(s));
        var copy = new MemoryStream();
        var blocks = new List<(int Length, long Offset)>();
        while (await ahead.ReadAsync() is { } block)
        {
            blocks.Add((block.Length, block.Offset));
            copy.Write(block.Memory.Span);
            ahead.Release(block);
        }

        Assert.Equal(data, copy.ToArray());
        Assert.Equal(data, observed.ToArray());
        Assert.Equal(11, blocks.Count);
        Assert.All(blocks.Take(10), b => Assert.Equal(1000, b.Length));
        Assert.Equal((123, 10_000L), blocks[^1]);
    }

    [Fact]
    public async Task ReadAsync_ObserverStillBusy_ConsumerGetsTheBlockButNotTheEnd()
    {
        var data = Bytes(1000);
        using var observerMayGo = new ManualResetEventSlim();
        var observed = new MemoryStream();
        await using var ahead = new BlockReadAhead(new MemoryStream(data), blockSize: 1000, blockCount: 2, observe: s =>
        {
            observerMayGo.Wait();
            observed.Write(s);
        });

        try
        {
            // The hash runs beside the consumer: the block arrives while its observer is held (an observer inside the
            // read loop would hold it back until the guard's timeout).
            var block = (await ahead.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)))!.Value;
            Assert.Equal(data, block.Memory.ToArray());
            ahead.Release(block);

            // The end means every byte was observed (the caller takes the hash right after it).
            var end = ahead.ReadAsync().AsTask();
            Assert.False(end.IsCompleted);
            observerMayGo.Set();
            Assert.Null(await end);
        }
        finally
        {
            observerMayGo.Set(); // the dispose waits for the observer
        }

        Assert.Equal(data, observed.ToArray());
    }

    [Fact]
    public async Task ReadAsync_ConsumerReleasesBlocksOutOfOrder_ObserverStillSeesEveryByteOnce()
    {
        // A buffer handed back while the observer still reads it must not be refilled under it.
        var data = Bytes(200 * 1000);
        var observed = new MemoryStream();
        await using var ahead = new BlockReadAhead(new TrickleStream(data, 1000), blockSize: 1000, blockCount: 2, observe: s => observed.Write(s));
        var copy = new MemoryStream();
        ReadBlock? held = null;
        while (await ahead.ReadAsync() is { } block)
        {
            copy.Write(block.Memory.Span);
            if (held is { } older)
            {
                ahead.Release(block);
                ahead.Release(older);
                held = null;
            }
            else
            {
                held = block;
            }
        }

        Assert.Equal(data, copy.ToArray());
        Assert.Equal(data, observed.ToArray());
    }

    [Fact]
    public async Task ReadAsync_ConsumerHoldsEveryBlock_SourceIsReadNoFurther()
    {
        var source = new TrickleStream(Bytes(100_000), 1000);
        await using var ahead = new BlockReadAhead(source, blockSize: 1000, blockCount: 3);
        var held = new List<ReadBlock>();
        for (var i = 0; i < 3; i++)
        {
            held.Add((await ahead.ReadAsync())!.Value);
        }

        // With all three buffers held by the consumer the reader cannot fill a fourth: memory is bounded by the block count.
        Assert.Equal(3000, source.Position);
        ahead.Release(held[0]);
        var fourth = (await ahead.ReadAsync())!.Value;
        Assert.Equal(3000, fourth.Offset);
        Assert.Same(held[0].Buffer, fourth.Buffer);
    }

    [Fact]
    public async Task ReadAsync_SourceFailsMidway_ConsumerGetsBlocksBeforeThenTheError()
    {
        var source = new TrickleStream(Bytes(5000), 1000) { FailAt = 2500 };
        await using var ahead = new BlockReadAhead(source, blockSize: 1000, blockCount: 2);
        var first = (await ahead.ReadAsync())!.Value;
        ahead.Release(first);
        var second = (await ahead.ReadAsync())!.Value;
        ahead.Release(second);
        var error = await Assert.ThrowsAsync<IOException>(async () => await ahead.ReadAsync());
        Assert.Equal("connection reset at 2500", error.Message);
    }

    [Fact]
    public async Task ReadAsync_Cancelled_ThrowsAndDisposeStopsAStuckSource()
    {
        var source = new StuckStream();
        var ahead = new BlockReadAhead(source, blockSize: 1000, blockCount: 2, ownsSource: true);
        using var cancel = new CancellationTokenSource();
        var read = ahead.ReadAsync(cancel.Token).AsTask();
        await source.Entered.Task;
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        await ahead.DisposeAsync();
        Assert.True(source.SawCancellation);
        Assert.True(source.Disposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await ahead.ReadAsync());
    }

    [Fact]
    public async Task ReadAheadStream_PositionSetBack_ReopensThereAndReadsTheSameBytes()
    {
        var data = Bytes(25_000);
        var opened = new List<long>();
        await using var stream = new ReadAheadStream(
            (offset, _) =>
            {
                opened.Add(offset);
                return Task.FromResult<Stream>(new MemoryStream(data, (int)offset, data.Length - (int)offset));
            },
            data.Length,
            blockSize: 4096,
            blockCount: 2);
        var partial = new byte[10_000];
        await stream.ReadExactlyAsync(partial);
        stream.Position = 0;
        var whole = new MemoryStream();
        await stream.CopyToAsync(whole);
        stream.Position = 20_000;
        var tail = new MemoryStream();
        await stream.CopyToAsync(tail);

        Assert.Equal(data, whole.ToArray());
        Assert.Equal(data.AsSpan(0, 10_000).ToArray(), partial);
        Assert.Equal(data.AsSpan(20_000).ToArray(), tail.ToArray());
        Assert.Equal([0L, 0L, 20_000L], opened);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(whole.ToArray()));
    }

    [Fact]
    public async Task ReadAheadStream_SourceLongerThanItsLength_TheLastReadSaysSo()
    {
        var data = Bytes(5000);
        await using var stream = new ReadAheadStream(
            (offset, _) => Task.FromResult<Stream>(new MemoryStream(data, (int)offset, data.Length - (int)offset)),
            length: 4000,
            blockSize: 1000,
            blockCount: 2);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Equal("The source gave more than its 4000 bytes.", error.Message);
    }

    /// <summary>Gives at most <c>piece</c> bytes per read, like a network stream; can fail at an offset.</summary>
    private sealed class TrickleStream(byte[] data, int piece) : MemoryStream(data, writable: false)
    {
        public long FailAt { get; init; } = long.MaxValue;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= FailAt)
            {
                throw new IOException($"connection reset at {Position}");
            }

            var max = (int)Math.Min(Math.Min(piece, buffer.Length), FailAt - Position);
            return base.ReadAsync(buffer[..max], cancellationToken);
        }
    }

    /// <summary>A source whose read never completes until cancelled.</summary>
    private sealed class StuckStream : MemoryStream
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool SawCancellation { get; private set; }

        public bool Disposed { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Entered.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                SawCancellation = true;
                throw;
            }

            return 0;
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
