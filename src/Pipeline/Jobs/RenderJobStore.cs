using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HeyGenRender.Pipeline.Storage;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Jobs;

/// <summary>
/// Keeps the accepted job spec of each render at <c>{renders container}/{render id}/job.json</c>, written
/// once (If-None-Match: *), so the orchestration input carries only its name.
/// </summary>
public class RenderJobStore
{
    /// <summary>The stored spec's file name under the render's folder.</summary>
    public const string JobFile = "job.json";

    private const string HashMetadata = "sha256";
    private readonly BlobServiceClient _blobs;
    private readonly StorageOptions _options;

    /// <summary>Creates the store.</summary>
    /// <param name="blobs">The pipeline's blob account.</param>
    /// <param name="options">Container names.</param>
    public RenderJobStore(BlobServiceClient blobs, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        _blobs = blobs;
        _options = options.Value;
    }

    /// <summary>For mocking.</summary>
    protected RenderJobStore()
    {
        _blobs = null!;
        _options = new StorageOptions();
    }

    /// <summary>What a stored spec that names no container means here (the inbox, the renders container).</summary>
    public virtual JobSpecDefaults SpecDefaults => _options.SpecDefaults;

    /// <summary>Where the job spec of <paramref name="renderId"/> is kept.</summary>
    /// <param name="renderId">The render id.</param>
    /// <returns>The blob location.</returns>
    public virtual BlobLocation LocationFor(string renderId) => new(_options.RendersContainer, $"{renderId}/{JobFile}");

    /// <summary>Stores the spec for <paramref name="renderId"/> unless already stored.</summary>
    /// <param name="renderId">The render id.</param>
    /// <param name="utf8Json">The validated spec, as received.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether it was created, already there with the same content, or already there with different content.</returns>
    /// <exception cref="RequestFailedException">Storage failed.</exception>
    public virtual async Task<JobStoreOutcome> SaveAsync(string renderId, ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default)
    {
        var location = LocationFor(renderId);
        var container = _blobs.GetBlobContainerClient(location.Container);
        var blob = container.GetBlobClient(location.Name);
        var hash = Convert.ToHexStringLower(SHA256.HashData(utf8Json.Span));
        try
        {
            await ContainerOnDemand.WriteAsync(
                container,
                () => blob.UploadAsync(
                    BinaryData.FromBytes(utf8Json),
                    new BlobUploadOptions
                    {
                        Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                        HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                        Metadata = new Dictionary<string, string> { [HashMetadata] = hash },
                    },
                    cancellationToken),
                cancellationToken).ConfigureAwait(false);
            return JobStoreOutcome.Created;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return properties.Value.Metadata.TryGetValue(HashMetadata, out var existing) && existing == hash
                ? JobStoreOutcome.AlreadyStoredSame
                : JobStoreOutcome.AlreadyStoredDifferent;
        }
    }

    /// <summary>Reads and parses a stored spec.</summary>
    /// <param name="location">The spec's blob (from <see cref="RenderRequest.JobBlob"/>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="RequestFailedException">Storage failed or the blob is missing.</exception>
    /// <exception cref="JobSpecException">The stored spec is not valid (it was validated when stored, so only if changed since).</exception>
    public virtual async Task<RenderJobSpec> ReadAsync(BlobLocation location, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        var blob = _blobs.GetBlobContainerClient(location.Container).GetBlobClient(location.Name);

        // A spec is at most RenderJobSpecParser.MaxSpecBytes, so holding it whole is fine.
        var content = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return RenderJobSpecParser.ParseValid(content.Value.Content.ToMemory(), SpecDefaults);
    }
}

/// <summary>What <see cref="RenderJobStore.SaveAsync"/> found.</summary>
public enum JobStoreOutcome
{
    /// <summary>Stored now.</summary>
    Created,

    /// <summary>Already stored, same bytes: a repeat.</summary>
    AlreadyStoredSame,

    /// <summary>Already stored with other bytes: the id was reused for a different spec.</summary>
    AlreadyStoredDifferent,
}
