using System.Buffers;
using System.Net;

namespace HeyGen.Client.Internal;

/// <summary>
/// Streams exactly <c>length</c> bytes from a caller's stream with a pooled buffer, so memory does not
/// grow with the file, and reports progress. Fails if the stream is shorter or longer than declared.
/// </summary>
internal sealed class UploadContent : HttpContent
{
    private readonly Stream _source;
    private readonly long _length;
    private readonly int _bufferSize;
    private readonly IProgress<long>? _progress;

    public UploadContent(Stream source, long length, int bufferSize, IProgress<long>? progress)
    {
        _source = source;
        _length = length;
        _bufferSize = bufferSize;
        _progress = progress;
        Headers.ContentLength = length;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(_bufferSize, Math.Max(_length, 1)));
        try
        {
            long sent = 0;
            while (sent < _length)
            {
                var want = (int)Math.Min(buffer.Length, _length - sent);
                var read = await _source.ReadAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new InvalidOperationException($"The upload stream ended after {sent} bytes; {_length} were declared.");
                }

                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                sent += read;
                _progress?.Report(sent);
            }

            // A longer stream means the declared length (signed into the URL) is wrong: say so rather than truncate silently.
            if (await _source.ReadAsync(buffer.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) != 0)
            {
                throw new InvalidOperationException($"The upload stream has more than the declared {_length} bytes.");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
