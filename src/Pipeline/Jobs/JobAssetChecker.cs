using Azure;
using Azure.Storage.Blobs;

namespace HeyGenRender.Pipeline.Jobs;

/// <summary>The asynchronous part of validation: every blob asset a spec names must exist and not be empty.</summary>
public class JobAssetChecker
{
    private readonly BlobServiceClient _blobs;

    /// <summary>Creates the checker.</summary>
    /// <param name="blobs">The pipeline's blob account.</param>
    public JobAssetChecker(BlobServiceClient blobs)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        _blobs = blobs;
    }

    /// <summary>For mocking.</summary>
    protected JobAssetChecker() => _blobs = null!;

    /// <summary>Checks every blob asset of <paramref name="spec"/>; all are checked, concurrently.</summary>
    /// <param name="spec">A parsed spec.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>One error per missing or empty blob, in document order; empty when all are there.</returns>
    /// <exception cref="RequestFailedException">Storage failed other than with 404.</exception>
    public virtual async Task<IReadOnlyList<JobSpecError>> CheckAsync(RenderJobSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var checks = spec.Assets()
            .Where(a => a.Asset.IsBlob)
            .Select(a => CheckOneAsync(a.Path, a.Asset, cancellationToken))
            .ToArray();
        var results = await Task.WhenAll(checks).ConfigureAwait(false);
        return [.. results.OfType<JobSpecError>()];
    }

    private async Task<JobSpecError?> CheckOneAsync(string path, AssetReference asset, CancellationToken cancellationToken)
    {
        var blob = _blobs.GetBlobContainerClient(asset.Container).GetBlobClient(asset.BlobName);
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return properties.Value.ContentLength == 0 ? new JobSpecError($"{path}.blob", $"is empty ({asset})") : null;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return new JobSpecError($"{path}.blob", $"not found ({asset})");
        }
    }
}
