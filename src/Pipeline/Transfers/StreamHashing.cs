using System.Buffers;
using System.Security.Cryptography;

namespace HeyGenRender.Pipeline.Transfers;

/// <summary>SHA-256 and length of a stream, read in small pieces so memory does not grow with its size.</summary>
public static class StreamHashing
{
    /// <summary>The read buffer size.</summary>
    public const int BufferSize = 81920;

    /// <summary>Reads <paramref name="content"/> to its end and returns its SHA-256 (lower-case hex) and length.</summary>
    public static async Task<(string Sha256, long Length)> HashAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long length = 0;
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                length += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }
}
