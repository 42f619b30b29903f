using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace HeyGenRender.Pipeline.Transfers;

/// <summary>
/// Streams an HTTP response body into a block blob: blocks are read ahead from the network while earlier ones are
/// staged (a few at once, each with its MD5 so the service rejects a block damaged on the way), then the list is
/// committed with the SHA-256 computed while streaming. Memory holds <see cref="BlockCount"/> blocks, whatever the
/// file's size. The commit is conditional (the blob must not exist yet), so a second run never overwrites a finished file.
/// </summary>
public static class HttpToBlobTransfer
{
    /// <summary>The block size.</summary>
    public const int BlockSize = 4 * 1024 * 1024;

    /// <summary>Blocks in memory at once per transfer (one being read, the others being staged): memory use is this × <see cref="BlockSize"/>.</summary>
    public const int BlockCount = 4;

    /// <summary>The metadata key holding the SHA-256 of a stored file.</summary>
    public const string Sha256Metadata = "sha256";

    /// <summary>Copies <paramref name="body"/> into <paramref name="target"/>; checks the length against <paramref name="expectedLength"/> when known.</summary>
    /// <returns>The SHA-256 (hex) and length; <c>Existing</c> is true when the blob was already there (a previous run).</returns>
    /// <exception cref="InvalidDataException">Fewer or more bytes arrived than announced.</exception>
    /// <exception cref="RequestFailedException">The storage refused a block (for example its MD5 did not match) or the commit.</exception>
    public static async Task<(string Sha256, long Length, bool Existing)> CopyAsync(
        Stream body, long? expectedLength, BlockBlobClient target, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(target);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var blockIds = new List<string>();
        var staging = new Queue<(Task Task, ReadBlock Block)>();
        long length = 0;
        var ahead = new BlockReadAhead(body, BlockSize, BlockCount, hash.AppendData);
        try
        {
            while (await ahead.ReadAsync(cancellationToken).ConfigureAwait(false) is { } block)
            {
                length += block.Length;
                if (expectedLength is { } announced && length > announced)
                {
                    throw new InvalidDataException($"The download sent more than the announced {announced} bytes.");
                }

                var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes($"block-{blockIds.Count:D6}"));
                blockIds.Add(blockId);
                staging.Enqueue((StageAsync(target, blockId, block, cancellationToken), block));
                if (staging.Count == BlockCount - 1)
                {
                    // Keep one buffer for the reader: wait for the oldest staging before asking for more.
                    var (task, done) = staging.Dequeue();
                    await task.ConfigureAwait(false);
                    ahead.Release(done);
                }
            }

            while (staging.TryDequeue(out var pending))
            {
                await pending.Task.ConfigureAwait(false);
                ahead.Release(pending.Block);
            }
        }
        finally
        {
            // No buffer goes back to the pool while a staging still reads it.
            foreach (var (task, _) in staging)
            {
                await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await ahead.DisposeAsync().ConfigureAwait(false);
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

    /// <summary>
    /// Checks the stored blob against what was sent: its length and the SHA-256 in its metadata, as the service reports
    /// them. No read-back: every block was checked by the service against its MD5 when staged, the commit names exactly
    /// the blocks staged, and the SHA-256 was computed over the same bytes while streaming. A blob that an earlier run
    /// committed with other content fails here.
    /// </summary>
    /// <exception cref="InvalidDataException">The stored blob differs.</exception>
    public static async Task VerifyAsync(BlockBlobClient blob, string sha256, long length, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        var storedSha = properties.Metadata.TryGetValue(Sha256Metadata, out var s) ? s : "(none)";
        if (properties.ContentLength != length || !string.Equals(storedSha, sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"Stored blob {blob.Name} has {properties.ContentLength} bytes (SHA-256 {storedSha}); expected {length} bytes (SHA-256 {sha256}).");
        }
    }

    private static Task StageAsync(BlockBlobClient target, string blockId, ReadBlock block, CancellationToken cancellationToken) =>
        Task.Run(
            async () =>
            {
                // Transactional MD5: the service recomputes it over the bytes it received and refuses the block on a mismatch.
                var md5 = MD5.HashData(block.Memory.Span);
                using var content = new MemoryStream(block.Buffer, 0, block.Length, writable: false);
                await target.StageBlockAsync(
                    blockId,
                    content,
                    new BlockBlobStageBlockOptions
                    {
                        TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5, PrecalculatedChecksum = md5 },
                    },
                    cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
}
