using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HeyGen.Client;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Transfers;
using HeyGenRender.Pipeline.Workflow;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.Pipeline.Activities;

/// <summary>
/// <see cref="RenderWorkflowNames.UploadAsset"/>: streams one blob to HeyGen's direct upload with its SHA-256, or reuses
/// an earlier upload of identical content (found by hash in <see cref="AssetIndex"/>, checked still present).
/// Safe to run twice: the upload's Idempotency-Key is derived from the content hash.
/// </summary>
public sealed partial class UploadAssetActivity(BlobServiceClient blobs, HeyGenClient heyGen, AssetIndex index, ILogger<UploadAssetActivity> logger)
    : IRenderActivity<UploadAssetInput, UploadedAsset>
{
    /// <inheritdoc />
    public async Task<UploadedAsset> RunAsync(UploadAssetInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var blob = blobs.GetBlobContainerClient(input.Container).GetBlobClient(input.BlobName);
        var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        var pinned = new BlobOpenReadOptions(allowModifications: false) { Conditions = new BlobRequestConditions { IfMatch = properties.ETag } };

        string sha;
        long length;
        await using (var first = await blob.OpenReadAsync(pinned, cancellationToken))
        {
            (sha, length) = await StreamHashing.HashAsync(first, cancellationToken);
        }

        if (await index.FindAsync(sha, cancellationToken) is { } known && known.Length == length && await StillPresentAsync(known.AssetId, cancellationToken))
        {
            Log.Reused(logger, input.Path, known.AssetId);
            return new UploadedAsset(input.Path, known.AssetId, sha, length, Reused: true);
        }

        var contentType = string.IsNullOrEmpty(properties.ContentType) ? "application/octet-stream" : properties.ContentType;
        var fileName = Path.GetFileName(input.BlobName);
        HeyGenAsset asset;
        await using (var content = await blob.OpenReadAsync(pinned, cancellationToken))
        {
            asset = await heyGen.Assets.UploadAsync(
                content,
                length,
                fileName,
                contentType,
                new UploadOptions { Sha256Hex = sha, IdempotencyKey = IdempotencyKeyFor(sha, fileName, contentType) },
                cancellationToken);
        }

        await index.RecordAsync(sha, new AssetIndexEntry(asset.AssetId, length), cancellationToken);
        Log.Uploaded(logger, input.Path, asset.AssetId, length);
        return new UploadedAsset(input.Path, asset.AssetId, sha, length, Reused: false);
    }

    /// <summary>
    /// The upload's Idempotency-Key: the same content under the same name and type is the same request (a re-run
    /// replays it); HeyGen rejects a key reused with a different body, so name and type are part of it.
    /// </summary>
    public static string IdempotencyKeyFor(string sha256, string fileName, string contentType) =>
        "asset-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{sha256}\n{fileName}\n{contentType}")));

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
    }
}
