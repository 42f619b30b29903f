using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Storage;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Trust;

/// <summary>
/// Gives each custom output prefix to one render, so no render writes over another's files. A render's default folder
/// (<c>{render id}/</c>) is its own by construction; a custom prefix is claimed at intake with a marker blob
/// <c>{webhook events container}/output-claims/{container}/{prefix}</c> written once (If-None-Match: *). A claim is refused
/// when the folder is another render's, lies inside one, holds one, or already holds blobs from elsewhere. Claims are
/// checked again after writing, so of two renders racing for overlapping folders at least one is refused.
/// </summary>
public class OutputFolderClaims
{
    /// <summary>The claim markers' folder in the internal container.</summary>
    public const string ClaimsFolder = "output-claims";

    private const string OwnerMetadata = "render_id";
    private readonly BlobServiceClient _blobs;
    private readonly StorageOptions _options;

    /// <summary>Creates the claims store.</summary>
    /// <param name="blobs">The pipeline's blob account.</param>
    /// <param name="options">Container names.</param>
    public OutputFolderClaims(BlobServiceClient blobs, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        _blobs = blobs;
        _options = options.Value;
    }

    /// <summary>For mocking.</summary>
    protected OutputFolderClaims()
    {
        _blobs = null!;
        _options = new StorageOptions();
    }

    /// <summary>Claims <paramref name="output"/> for <paramref name="renderId"/>, or says whose it is.</summary>
    /// <param name="output">The resolved output place.</param>
    /// <param name="renderId">The render.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>Null when the folder is this render's (claimed now or before); otherwise the refusal, on <c>output.prefix</c>.</returns>
    /// <exception cref="RequestFailedException">Storage failed.</exception>
    public virtual async Task<JobSpecError?> ClaimAsync(OutputLocation output, string renderId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrEmpty(renderId);
        if (output.Prefix == renderId)
        {
            return null;
        }

        var claims = _blobs.GetBlobContainerClient(_options.WebhookEventsContainer);
        await claims.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        if (await OverlapAsync(claims, output, renderId, cancellationToken).ConfigureAwait(false) is { } overlap)
        {
            return overlap;
        }

        var marker = claims.GetBlobClient(ClaimName(output.Container, output.Prefix));
        try
        {
            await marker.UploadAsync(BinaryData.FromString(renderId), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                Metadata = new Dictionary<string, string> { [OwnerMetadata] = renderId },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            var owner = await OwnerAsync(marker, cancellationToken).ConfigureAwait(false);
            return owner == renderId ? null : Refusal($"'{output.Container}/{output.Prefix}/' is render {owner}'s output folder");
        }

        // Newly ours: the folder must be empty (older renders and other writers left no marker), and no overlapping
        // claim may have landed meanwhile.
        var refusal = await OverlapAsync(claims, output, renderId, cancellationToken).ConfigureAwait(false)
            ?? await ExistingContentAsync(output, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            await marker.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return refusal;
    }

    private static string ClaimName(string container, string prefix) => $"{ClaimsFolder}/{container}/{prefix}";

    private async Task<JobSpecError?> OverlapAsync(BlobContainerClient claims, OutputLocation output, string renderId, CancellationToken cancellationToken)
    {
        // Folders that contain this one: each ancestor's marker.
        var segments = output.Prefix.Split('/');
        for (var depth = 1; depth < segments.Length; depth++)
        {
            var ancestor = string.Join('/', segments[..depth]);
            var marker = claims.GetBlobClient(ClaimName(output.Container, ancestor));
            if (await OwnerAsync(marker, cancellationToken).ConfigureAwait(false) is { } owner && owner != renderId)
            {
                return Refusal($"'{output.Container}/{output.Prefix}/' is inside render {owner}'s output folder '{ancestor}/'");
            }
        }

        // Folders this one contains: any marker below it.
        await foreach (var item in claims.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata, Prefix = ClaimName(output.Container, output.Prefix) + "/" }, cancellationToken).ConfigureAwait(false))
        {
            var owner = item.Metadata.TryGetValue(OwnerMetadata, out var id) ? id : "(unknown)";
            if (owner != renderId)
            {
                var inner = item.Name[(ClaimsFolder.Length + output.Container.Length + 2)..];
                return Refusal($"'{output.Container}/{output.Prefix}/' holds render {owner}'s output folder '{inner}/'");
            }
        }

        return null;
    }

    private async Task<JobSpecError?> ExistingContentAsync(OutputLocation output, CancellationToken cancellationToken)
    {
        var container = _blobs.GetBlobContainerClient(output.Container);
        try
        {
            await foreach (var page in container.GetBlobsAsync(new GetBlobsOptions { Prefix = output.Prefix + "/" }, cancellationToken).AsPages(pageSizeHint: 1).ConfigureAwait(false))
            {
                if (page.Values.FirstOrDefault() is { } blob)
                {
                    return Refusal($"'{output.Container}/{output.Prefix}/' already holds blobs ('{blob.Name}'); give a folder of its own");
                }

                break;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No container yet: nothing in it.
        }

        return null;
    }

    private static async Task<string?> OwnerAsync(BlobClient marker, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await marker.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return properties.Value.Metadata.TryGetValue(OwnerMetadata, out var id) ? id : "(unknown)";
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private static JobSpecError Refusal(string message) => new("output.prefix", message);
}
