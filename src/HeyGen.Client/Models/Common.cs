using System.Text.Json.Serialization;

namespace HeyGen.Client;

/// <summary>
/// A file input: a HeyGen asset id, a public HTTPS URL, or inline base64 content
/// (<c>{"type":"asset_id"|"url"|"base64", ...}</c>).
/// </summary>
public sealed record AssetInput
{
    [JsonConstructor]
    internal AssetInput(string type, string? assetId, string? url, string? mediaType, string? data)
    {
        Type = type;
        AssetId = assetId;
        Url = url;
        MediaType = mediaType;
        Data = data;
    }

    /// <summary>The discriminator: <c>asset_id</c>, <c>url</c> or <c>base64</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; }

    /// <summary>The asset id when <see cref="Type"/> is <c>asset_id</c>.</summary>
    [JsonPropertyName("asset_id")]
    public string? AssetId { get; }

    /// <summary>The public URL when <see cref="Type"/> is <c>url</c>.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; }

    /// <summary>The MIME type when <see cref="Type"/> is <c>base64</c>.</summary>
    [JsonPropertyName("media_type")]
    public string? MediaType { get; }

    /// <summary>The base64 content when <see cref="Type"/> is <c>base64</c>.</summary>
    [JsonPropertyName("data")]
    public string? Data { get; }

    /// <summary>References an uploaded asset.</summary>
    /// <param name="assetId">The asset id returned by an upload.</param>
    /// <exception cref="ArgumentException"><paramref name="assetId"/> is null or blank.</exception>
    public static AssetInput FromAssetId(string assetId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(assetId);
        return new AssetInput("asset_id", assetId, null, null, null);
    }

    /// <summary>References a publicly reachable HTTPS URL (HeyGen caps URL inputs at 32 MB).</summary>
    /// <param name="url">The URL.</param>
    /// <exception cref="ArgumentNullException"><paramref name="url"/> is null.</exception>
    public static AssetInput FromUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return new AssetInput("url", null, url.AbsoluteUri, null, null);
    }

    /// <summary>Inlines small content as base64.</summary>
    /// <param name="mediaType">The MIME type, for example <c>image/png</c>.</param>
    /// <param name="base64Data">The base64-encoded bytes.</param>
    /// <exception cref="ArgumentException">An argument is null or blank.</exception>
    public static AssetInput FromBase64(string mediaType, string base64Data)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mediaType);
        ArgumentException.ThrowIfNullOrWhiteSpace(base64Data);
        return new AssetInput("base64", null, null, mediaType, base64Data);
    }
}

/// <summary>One page of a list endpoint (<c>data</c>, <c>has_more</c>, <c>next_token</c>).</summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class HeyGenPage<T>
{
    /// <summary>Creates a page (for tests and mocks; see <see cref="HeyGenModelFactory"/>).</summary>
    /// <param name="items">The items.</param>
    /// <param name="hasMore">Whether another page exists.</param>
    /// <param name="nextToken">The cursor for the next page.</param>
    public HeyGenPage(IReadOnlyList<T> items, bool hasMore, string? nextToken)
    {
        Items = items ?? throw new ArgumentNullException(nameof(items));
        HasMore = hasMore;
        NextToken = nextToken;
    }

    /// <summary>The items on this page.</summary>
    public IReadOnlyList<T> Items { get; }

    /// <summary>Whether another page is available.</summary>
    public bool HasMore { get; }

    /// <summary>The opaque cursor for the next page, or null on the last page.</summary>
    public string? NextToken { get; }
}

/// <summary>Paging for a list call.</summary>
public record PageOptions
{
    /// <summary>Items per page (HeyGen's default when null; usually 1–100).</summary>
    public int? Limit { get; init; }

    /// <summary>The cursor from <see cref="HeyGenPage{T}.NextToken"/>; null for the first page.</summary>
    public string? Token { get; init; }
}

/// <summary>The result of a delete call.</summary>
public sealed class DeleteResult
{
    /// <summary>The id of the deleted resource, when the service returns it.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>Whether the resource was deleted, when the service says so.</summary>
    [JsonPropertyName("deleted")]
    public bool? Deleted { get; init; }
}
