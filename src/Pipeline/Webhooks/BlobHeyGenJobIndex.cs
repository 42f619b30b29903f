using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HeyGenRender.Pipeline.Storage;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Webhooks;

/// <summary>
/// <see cref="IHeyGenJobIndex"/> on blobs: <c>{webhook-events}/index/{heygen id}</c> holds the instance id.
/// Outside the <see cref="WebhookDedupe.MarkerPrefix"/> prefix, so the markers' lifecycle rule leaves it alone.
/// </summary>
public sealed class BlobHeyGenJobIndex : IHeyGenJobIndex
{
    /// <summary>The name prefix of index blobs.</summary>
    public const string IndexPrefix = "index/";

    private readonly BlobContainerClient _container;
    private int _containerReady;

    /// <summary>Creates the index.</summary>
    /// <param name="blobs">The pipeline's blob account.</param>
    /// <param name="options">Container names (<see cref="StorageOptions.WebhookEventsContainer"/>).</param>
    public BlobHeyGenJobIndex(BlobServiceClient blobs, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        _container = blobs.GetBlobContainerClient(options.Value.WebhookEventsContainer);
    }

    /// <inheritdoc />
    public async Task RecordAsync(string heyGenId, string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(heyGenId);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);

        // Overwriting with the same value is harmless, so a re-run activity just writes again.
        await _container.GetBlobClient(NameFor(heyGenId)).UploadAsync(
            BinaryData.FromString(instanceId),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/plain" } },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string?> FindAsync(string heyGenId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(heyGenId);
        try
        {
            var content = await _container.GetBlobClient(NameFor(heyGenId)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var value = content.Value.Content.ToString();
            return value.Length == 0 ? null : value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The blob name for an id; ids are escaped so no id can reach outside the prefix.</summary>
    internal static string NameFor(string heyGenId) => IndexPrefix + Uri.EscapeDataString(heyGenId).Replace(".", "%2E", StringComparison.Ordinal);

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _containerReady) == 0)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _containerReady, 1);
        }
    }
}
