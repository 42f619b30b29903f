using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HeyGen.Client;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Telemetry;
using HeyGenRender.Pipeline.Transfers;
using HeyGenRender.Pipeline.Trust;
using HeyGenRender.Pipeline.Workflow;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.Pipeline.Activities;

/// <summary>
/// <see cref="RenderWorkflowNames.UploadAsset"/>: streams one blob to HeyGen's direct upload, or reuses an earlier upload
/// of the same content (found in <see cref="AssetIndex"/>, checked still present):
/// <list type="bullet">
/// <item>With <c>sha256</c> metadata (written with the content by the CLI or a download), identical content under any
/// name is reused; the hash is declared at initialize and HeyGen checks the <c>PUT</c> against it. On its
/// <c>BadDigest</c>, or HeyGen refusing the checksum, the metadata is stale and the blob goes the other way.</item>
/// <item>Without it, a blob smaller than <see cref="HashFirstBelowBytes"/> is hashed first (one more small read), so
/// identical content under any name is still reused. A larger one is read once: an earlier upload of this very blob
/// version (name and ETag) is reused, or else the bytes are hashed as they stream into the <c>PUT</c> and the hash goes
/// to complete, where HeyGen verifies what it stored.</item>
/// </list>
/// Safe to run twice: the upload's Idempotency-Key is derived from the content hash or the blob version, and a run
/// stopped between HeyGen's complete and the index write finds, next time, the asset that run completed.
/// </summary>
public sealed partial class UploadAssetActivity(BlobServiceClient blobs, HeyGenClient heyGen, AssetIndex index, StorageTrustPolicy trust, ILogger<UploadAssetActivity> logger)
    : IRenderActivity<UploadAssetInput, UploadedAsset>
{
    /// <summary>Read-ahead block size for reading the blob.</summary>
    public const int ReadBlockSize = 4 * 1024 * 1024;

    /// <summary>Read-ahead blocks in memory at once per read of the blob.</summary>
    public const int ReadBlockCount = 3;

    /// <summary>
    /// Below this size (HeyGen's limit for its one-request upload: a small file) a blob without <c>sha256</c> metadata is
    /// hashed before the upload, to find identical content; the extra read is cheap there and may save the upload.
    /// From it on, reading a large file twice costs more than the rare copy under another name would save.
    /// </summary>
    public const long HashFirstBelowBytes = 32L * 1024 * 1024;

    /// <inheritdoc />
    public async Task<UploadedAsset> RunAsync(UploadAssetInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        trust.EnsureMayRead(input.Container, input.BlobName);
        var blob = blobs.GetBlobContainerClient(input.Container).GetBlobClient(input.BlobName);
        var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        var length = properties.ContentLength;
        var contentType = string.IsNullOrEmpty(properties.ContentType) ? "application/octet-stream" : properties.ContentType;
        var fileName = Path.GetFileName(input.BlobName);

        // Every read is pinned to the ETag the properties came from: content, length and metadata are one version.
        if (properties.Metadata.TryGetValue(HttpToBlobTransfer.Sha256Metadata, out var stated) && IsSha256(stated))
        {
            // The SHA-256 stored with the blob (written with its content by the CLI or a download) saves a full read. It is
            // not taken on trust for the upload: HeyGen checks it against the bytes of the PUT and refuses a mismatch.
            try
            {
                return await ReuseOrUploadAsync(input, blob, properties.ETag, stated.ToLowerInvariant(), length, fileName, contentType, cancellationToken);
            }
            catch (HeyGenException ex) when (IsChecksumRefused(ex))
            {
                // The metadata is stale: upload as if there were none. Any other refusal (expired URL, wrong size, a 400
                // without a code) is not about the checksum, and a second upload would only repeat it.
                Log.StaleChecksum(logger, input.Path, ex.Status, ex.ErrorCode?.Value);
            }
        }

        if (length < HashFirstBelowBytes)
        {
            var sha = await HashAsync(input, blob, properties.ETag, length, cancellationToken);
            return await ReuseOrUploadAsync(input, blob, properties.ETag, sha, length, fileName, contentType, cancellationToken);
        }

        return await ReuseOrUploadHashingAsync(input, blob, properties.ETag, length, fileName, contentType, cancellationToken);
    }

    /// <summary>
    /// The upload's Idempotency-Key: the same content under the same name and type is the same request (a re-run
    /// replays it); HeyGen rejects a key reused with a different body, so name and type are part of it.
    /// </summary>
    public static string IdempotencyKeyFor(string sha256, string fileName, string contentType) =>
        "asset-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{sha256}\n{fileName}\n{contentType}")));

    /// <summary>The Idempotency-Key of an upload hashed while it streams: one version of one blob under one name and type.</summary>
    public static string IdempotencyKeyForBlobVersion(string container, string blobName, ETag etag, string fileName, string contentType) =>
        "asset-v-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{container}\n{blobName}\n{etag}\n{fileName}\n{contentType}")));

    // Content with a known hash: reused when identical content was uploaded before, under any name.
    private async Task<UploadedAsset> ReuseOrUploadAsync(
        UploadAssetInput input, BlobClient blob, ETag etag, string sha, long length, string fileName, string contentType, CancellationToken cancellationToken) =>
        await TryReuseAsync(input, await index.FindAsync(sha, cancellationToken), sha, length, cancellationToken)
        ?? await UploadAsync(input, blob, etag, sha, length, fileName, contentType, cancellationToken);

    // A large blob without a hash: reused when this very version was uploaded before, else hashed while it is sent.
    private async Task<UploadedAsset> ReuseOrUploadHashingAsync(
        UploadAssetInput input, BlobClient blob, ETag etag, long length, string fileName, string contentType, CancellationToken cancellationToken) =>
        await TryReuseAsync(input, await index.FindBlobVersionAsync(input.Container, input.BlobName, etag, cancellationToken), sha: null, length, cancellationToken)
        ?? await UploadAsync(input, blob, etag, knownSha: null, length, fileName, contentType, cancellationToken);

    private async Task<UploadedAsset?> TryReuseAsync(UploadAssetInput input, AssetIndexEntry? known, string? sha, long length, CancellationToken cancellationToken)
    {
        if (known is null || (sha ?? known.Sha256) is not { } knownSha || known.Length != length || !await StillPresentAsync(known.AssetId, cancellationToken))
        {
            return null;
        }

        Log.Reused(logger, input.Path, known.AssetId);
        return new UploadedAsset(input.Path, known.AssetId, knownSha, length, Reused: true);
    }

    /// <summary>
    /// Sends the blob. A known hash is declared at initialize (HeyGen checks the <c>PUT</c> against it); without one the
    /// read-ahead hashes the bytes as they go and the hash goes to complete, and the blob version is recorded too.
    /// </summary>
    private async Task<UploadedAsset> UploadAsync(
        UploadAssetInput input, BlobClient blob, ETag etag, string? knownSha, long length, string fileName, string contentType, CancellationToken cancellationToken)
    {
        using var hash = knownSha is null ? new RunningSha256() : null;
        var sha = knownSha;
        var options = hash is null
            ? new UploadOptions { Sha256Hex = knownSha, IdempotencyKey = IdempotencyKeyFor(knownSha!, fileName, contentType) }
            : new UploadOptions
            {
                Sha256AfterUpload = () => sha = hash.Finish(length),
                IdempotencyKey = IdempotencyKeyForBlobVersion(input.Container, input.BlobName, etag, fileName, contentType),
            };
        HeyGenAsset asset;
        await using (var content = OpenRead(blob, etag, length, hash))
        {
            asset = await heyGen.Assets.UploadAsync(content, length, fileName, contentType, options, cancellationToken);
        }

        // Not asked for: an earlier run (stopped before it recorded the upload) had completed this very blob version,
        // so nothing was sent now. The index still needs its hash: one read, on this rare path only.
        sha ??= await HashAsync(input, blob, etag, length, cancellationToken);

        var entry = new AssetIndexEntry(asset.AssetId, length, sha);
        await index.RecordAsync(sha, entry, cancellationToken);
        if (knownSha is null)
        {
            await index.RecordBlobVersionAsync(input.Container, input.BlobName, etag, entry, cancellationToken);
        }

        Log.Uploaded(logger, input.Path, asset.AssetId, length);
        PipelineTelemetry.TransferSize.Add(length, new KeyValuePair<string, object?>("heygen_render.transfer.direction", "upload"));
        return new UploadedAsset(input.Path, asset.AssetId, sha, length, Reused: false);
    }

    private static async Task<string> HashAsync(UploadAssetInput input, BlobClient blob, ETag etag, long length, CancellationToken cancellationToken)
    {
        using var hash = new RunningSha256();
        await using (var content = OpenRead(blob, etag, length, hash))
        {
            await content.CopyToAsync(Stream.Null, cancellationToken);
        }

        if (hash.Length != length)
        {
            throw new InvalidDataException($"Blob {input.Container}/{input.BlobName} gave {hash.Length} bytes; its properties say {length}.");
        }

        return hash.Finish(length);
    }

    /// <summary>
    /// The blob as one streamed GET (resumed by the SDK on a broken connection), read ahead a few blocks so the GET overlaps
    /// whatever consumes it; seeking (a retried PUT) starts a new GET at that offset.
    /// </summary>
    private static ReadAheadStream OpenRead(BlobClient blob, ETag etag, long length, RunningSha256? hash = null) => new(
        async (offset, cancellationToken) => (await blob.DownloadStreamingAsync(
            new BlobDownloadOptions { Range = new HttpRange(offset), Conditions = new BlobRequestConditions { IfMatch = etag } },
            cancellationToken).ConfigureAwait(false)).Value.Content,
        length,
        ReadBlockSize,
        ReadBlockCount,
        hash);

    /// <summary>
    /// The storage's <c>BadDigest</c> on the <c>PUT</c> (its bytes do not match the checksum declared at initialize), or
    /// HeyGen refusing <c>checksum_sha256</c> (at initialize or complete).
    /// </summary>
    private static bool IsChecksumRefused(HeyGenException ex) =>
        ex.Status == 400 && (ex.ErrorCode == HeyGenErrorCode.BadDigest || ex.Param == "checksum_sha256");

    private static bool IsSha256(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigit);

    private async Task<bool> StillPresentAsync(string assetId, CancellationToken cancellationToken)
    {
        try
        {
            await heyGen.Assets.GetAsync(assetId, cancellationToken);
            return true;
        }
        catch (HeyGenException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Asset {Path} reused as HeyGen asset {AssetId} (identical content uploaded before).")]
        public static partial void Reused(ILogger logger, string path, string assetId);

        [LoggerMessage(2, LogLevel.Information, "Asset {Path} uploaded as HeyGen asset {AssetId} ({Length} bytes).")]
        public static partial void Uploaded(ILogger logger, string path, string assetId, long length);

        [LoggerMessage(3, LogLevel.Warning, "Asset {Path}: HeyGen refused the SHA-256 from the blob's metadata ({Status} {ErrorCode}); hashing the blob instead.")]
        public static partial void StaleChecksum(ILogger logger, string path, int status, string? errorCode);
    }
}
