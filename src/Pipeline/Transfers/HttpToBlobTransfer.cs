using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace HeyGenRender.Pipeline.Transfers;

/// <summary>
/// Streams an HTTP response body into a block blob: read a block from the network, stage it, repeat, then commit
/// the list. Memory holds one block at a time, whatever the file's size. The commit is conditional (the blob must
/// not exist yet), so a second run never overwrites a finished file.
/// </summary>
public static class HttpToBlobTransfer
{
    /// <summary>The block size: memory use per transfer.</summary>
    public const int BlockSize = 4 * 1024 * 1024;

    /// <summary>The metadata key holding the SHA-256 of a stored file.</summary>
    public const string Sha256Metadata = "sha256";

    /// <summary>Copies <paramref name="body"/> into <paramref name="target"/>; checks the length against <paramref name="expectedLength"/> when known.</summary>
    /// <returns>The SHA-256 (hex) and length; <c>Existing</c> is true when the blob was already there (a previous run).</returns>
    /// <exception cref="InvalidDataException">Fewer or more bytes arrived than announced.</exception>
    public static async Task<(string Sha256, long Length, bool Existing)> CopyAsync(
        Stream body, long? expectedLength, BlockBlobClient target, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(target);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        var blockIds = new List<string>();
        long length = 0;
        try
        {
            while (true)
            {
                var filled = 0;
                int read;
                while (filled < BlockSize && (read = await body.ReadAsync(buffer.AsMemory(filled, BlockSize - filled), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    filled += read;
                }

                if (filled == 0)
                {
                    break;
                }

                hash.AppendData(buffer, 0, filled);
                length += filled;
                var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes($"block-{blockIds.Count:D6}"));
                using var block = new MemoryStream(buffer, 0, filled, writable: false);
                await target.StageBlockAsync(blockId, block, cancellationToken: cancellationToken).ConfigureAwait(false);
                blockIds.Add(blockId);
                if (filled < BlockSize)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (expectedLength is { } expected && expected != length)
        {
            throw new InvalidDataException($"The download ended after {length} of {expected} bytes.");
        }

        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        try
        {
            await target.CommitBlockListAsync(
                blockIds,
                new CommitBlockListOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                    Metadata = new Dictionary<string, string> { [Sha256Metadata] = sha },
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return (sha, length, true);
        }

        return (sha, length, false);
    }

    /// <summary>Reads the stored blob back and checks its length and SHA-256 against what was sent.</summary>
    /// <exception cref="InvalidDataException">The stored blob differs.</exception>
    public static async Task VerifyAsync(BlockBlobClient blob, string sha256, long length, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        await using var stored = await blob.OpenReadAsync(new Azure.Storage.Blobs.Models.BlobOpenReadOptions(allowModifications: false), cancellationToken).ConfigureAwait(false);
        var (actualSha, actualLength) = await StreamHashing.HashAsync(stored, cancellationToken).ConfigureAwait(false);
        if (actualLength != length || actualSha != sha256)
        {
            throw new InvalidDataException($"Stored blob {blob.Name} has {actualLength} bytes (SHA-256 {actualSha}); expected {length} bytes (SHA-256 {sha256}).");
        }
    }
}
