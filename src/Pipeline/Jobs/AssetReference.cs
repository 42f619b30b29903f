namespace HeyGenRender.Pipeline.Jobs;

/// <summary>
/// An input file: a blob in the pipeline's storage account (JSON <c>{"blob": "name", "container": "..."}</c>,
/// container by default <c>render-requests</c>, beside the job blob) or a public https URL
/// (JSON <c>{"url": "https://..."}</c>). Exactly one of <see cref="BlobName"/> and <see cref="Url"/> is set.
/// </summary>
public sealed record AssetReference
{
    /// <summary>The container a blob asset is read from when the spec names none.</summary>
    public const string DefaultContainer = "render-requests";

    private AssetReference(string? container, string? blobName, Uri? url)
    {
        Container = container;
        BlobName = blobName;
        Url = url;
    }

    /// <summary>The blob's container, when this is a blob.</summary>
    public string? Container { get; }

    /// <summary>The blob's name, when this is a blob.</summary>
    public string? BlobName { get; }

    /// <summary>The https URL, when this is a URL.</summary>
    public Uri? Url { get; }

    /// <summary>True for a blob reference, false for a URL.</summary>
    public bool IsBlob => BlobName is not null;

    /// <summary>A blob asset.</summary>
    /// <param name="container">The container.</param>
    /// <param name="blobName">The blob name.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="ArgumentException">A name is null or blank.</exception>
    public static AssetReference ForBlob(string container, string blobName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        ArgumentException.ThrowIfNullOrWhiteSpace(blobName);
        return new AssetReference(container, blobName, null);
    }

    /// <summary>A URL asset.</summary>
    /// <param name="url">An absolute https URL.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="ArgumentException"><paramref name="url"/> is not an absolute https URL.</exception>
    public static AssetReference ForUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("An asset URL must be an absolute https URL.", nameof(url));
        }

        return new AssetReference(null, null, url);
    }

    /// <inheritdoc />
    public override string ToString() => IsBlob ? $"{Container}/{BlobName}" : Url!.GetLeftPart(UriPartial.Path);
}
