using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Storage;

/// <summary>
/// Memory of uploads, so the same content is not sent twice. Blob <c>{renders}/assets/{sha256}.json</c> holds the HeyGen
/// asset id of content with that SHA-256. Blob <c>{renders}/assets/blob-versions/{key}.json</c> holds the upload of one
/// version of one source blob (container, name and ETag, which changes with every write): it finds the earlier upload of
/// a blob whose SHA-256 is not known before reading it. The caller verifies the asset still exists before reuse.
/// </summary>
public class AssetIndex
{
    /// <summary>The blob name prefix.</summary>
    public const string Prefix = "assets/";

    private readonly BlobContainerClient _container;

    /// <summary>Creates the index over the renders container.</summary>
    public AssetIndex(BlobServiceClient blobs, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        _container = blobs.GetBlobContainerClient(options.Value.RendersContainer);
    }

    /// <summary>For mocking.</summary>
    protected AssetIndex() => _container = null!;

    /// <summary>The recorded asset for this content, or null.</summary>
    public virtual Task<AssetIndexEntry?> FindAsync(string sha256, CancellationToken cancellationToken = default) =>
        ReadAsync(NameFor(sha256), cancellationToken);

    /// <summary>Records (or replaces, when the old asset is gone) the asset for this content.</summary>
    public virtual Task RecordAsync(string sha256, AssetIndexEntry entry, CancellationToken cancellationToken = default) =>
        WriteAsync(NameFor(sha256), entry, cancellationToken);

    /// <summary>The recorded upload of this version of a source blob (its entry carries the SHA-256), or null.</summary>
    public virtual Task<AssetIndexEntry?> FindBlobVersionAsync(string container, string blobName, ETag etag, CancellationToken cancellationToken = default) =>
        ReadAsync(NameFor(container, blobName, etag), cancellationToken);

    /// <summary>Records the upload of this version of a source blob; <paramref name="entry"/> must carry its SHA-256.</summary>
    public virtual Task RecordBlobVersionAsync(string container, string blobName, ETag etag, AssetIndexEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.Sha256, "entry.Sha256");
        return WriteAsync(NameFor(container, blobName, etag), entry, cancellationToken);
    }

    private async Task<AssetIndexEntry?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize<AssetIndexEntry>(content.Value.Content.ToMemory().Span, s_json);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private async Task WriteAsync(string name, AssetIndexEntry entry, CancellationToken cancellationToken)
    {
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _container.GetBlobClient(name).UploadAsync(
            BinaryData.FromObjectAsJson(entry, s_json),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken).ConfigureAwait(false);
    }

    private static string NameFor(string sha256) => $"{Prefix}{sha256}.json";

    // Hashed, so any container and blob name make a valid, fixed-length blob name.
    private static string NameFor(string container, string blobName, ETag etag) =>
        $"{Prefix}blob-versions/{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{container}\n{blobName}\n{etag}")))}.json";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
}

/// <summary>One index entry.</summary>
/// <param name="AssetId">HeyGen's asset id.</param>
/// <param name="Length">The content length.</param>
/// <param name="Sha256">The content's SHA-256 (lowercase hex); always set on a blob-version entry.</param>
public sealed record AssetIndexEntry(string AssetId, long Length, string? Sha256 = null);
