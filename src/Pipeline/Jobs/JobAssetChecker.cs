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
    /// <returns>One error per missing or empty blob, in document order (none when all are there), and the size of each blob found.</returns>
    /// <exception cref="RequestFailedException">Storage failed other than with 404.</exception>
    public virtual async Task<AssetCheck> CheckAsync(RenderJobSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var checks = spec.Assets()
            .Where(a => a.Asset.IsBlob)
            .Select(a => CheckOneAsync(a.Path, a.Asset, cancellationToken))
            .ToArray();
        var results = await Task.WhenAll(checks).ConfigureAwait(false);
        var lengths = new Dictionary<AssetReference, long>();
        foreach (var (asset, length, _) in results)
        {
            if (length is { } n)
            {
                lengths[asset] = n;
            }
        }

        return new AssetCheck([.. results.Select(r => r.Error).OfType<JobSpecError>()], lengths);
    }

    private async Task<(AssetReference Asset, long? Length, JobSpecError? Error)> CheckOneAsync(string path, AssetReference asset, CancellationToken cancellationToken)
    {
        var blob = _blobs.GetBlobContainerClient(asset.Container).GetBlobClient(asset.BlobName);
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var length = properties.Value.ContentLength;
            return (asset, length, length == 0 ? new JobSpecError($"{path}.blob", $"is empty ({asset})") : null);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return (asset, null, new JobSpecError($"{path}.blob", $"not found ({asset})"));
        }
    }
}

/// <summary>What <see cref="JobAssetChecker.CheckAsync"/> found.</summary>
/// <param name="Errors">One per missing or empty blob, in document order; empty when all are there.</param>
/// <param name="Lengths">The size of each blob asset found, for the render's plan.</param>
public sealed record AssetCheck(IReadOnlyList<JobSpecError> Errors, IReadOnlyDictionary<AssetReference, long> Lengths)
{
    /// <summary>The size of <paramref name="asset"/>, or null when it was not found or is not a blob.</summary>
    /// <param name="asset">An asset of the checked spec.</param>
    /// <returns>Its size in bytes.</returns>
    public long? LengthOf(AssetReference asset) => Lengths.TryGetValue(asset, out var n) ? n : null;
}
