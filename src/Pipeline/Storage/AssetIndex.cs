using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Storage;

/// <summary>
/// Content-keyed memory of uploads: blob <c>{renders}/assets/{sha256}.json</c> holds the HeyGen asset id of content
/// with that SHA-256, so identical content is not sent twice. The caller verifies the asset still exists before reuse.
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
    public virtual async Task<AssetIndexEntry?> FindAsync(string sha256, CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await _container.GetBlobClient(NameFor(sha256)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize<AssetIndexEntry>(content.Value.Content.ToMemory().Span, s_json);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Records (or replaces, when the old asset is gone) the asset for this content.</summary>
    public virtual async Task RecordAsync(string sha256, AssetIndexEntry entry, CancellationToken cancellationToken = default)
    {
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _container.GetBlobClient(NameFor(sha256)).UploadAsync(
            BinaryData.FromObjectAsJson(entry, s_json),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken).ConfigureAwait(false);
    }

    private static string NameFor(string sha256) => $"{Prefix}{sha256}.json";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
}

/// <summary>One index entry.</summary>
/// <param name="AssetId">HeyGen's asset id.</param>
/// <param name="Length">The content length.</param>
public sealed record AssetIndexEntry(string AssetId, long Length);
