using System.Security.Cryptography;
using System.Text;
using Azure;

namespace HeyGenRender.Pipeline.Jobs;

/// <summary>
/// Render ids, which are also orchestration instance ids and blob name prefixes. Ids derived from an
/// <c>Idempotency-Key</c> or an inbox blob's name and ETag are deterministic, so a repeat finds the same render.
/// </summary>
public static class RenderIds
{
    /// <summary>The longest <c>Idempotency-Key</c> accepted.</summary>
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>A new random id, for a request without an <c>Idempotency-Key</c>.</summary>
    /// <returns>The id.</returns>
    public static string New() => "r-" + Guid.NewGuid().ToString("N");

    /// <summary>The id for an HTTP request with this <c>Idempotency-Key</c>.</summary>
    /// <param name="idempotencyKey">The header value (see <see cref="IsValidIdempotencyKey"/>).</param>
    /// <returns>The id.</returns>
    /// <exception cref="ArgumentException">The key is not valid.</exception>
    public static string FromIdempotencyKey(string idempotencyKey)
    {
        if (!IsValidIdempotencyKey(idempotencyKey))
        {
            throw new ArgumentException("Not a valid Idempotency-Key.", nameof(idempotencyKey));
        }

        return "r-" + Hash("idempotency-key\n" + idempotencyKey);
    }

    /// <summary>The id for an inbox job blob; a new upload (new ETag) is a new render, a re-trigger is not.</summary>
    /// <param name="container">The inbox container.</param>
    /// <param name="blobName">The job blob's name.</param>
    /// <param name="etag">The job blob's ETag.</param>
    /// <returns>The id.</returns>
    public static string FromInboxBlob(string container, string blobName, ETag etag)
    {
        ArgumentException.ThrowIfNullOrEmpty(container);
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        return "r-" + Hash($"inbox\n{container}\n{blobName}\n{etag}");
    }

    /// <summary>True for 1-255 printable ASCII characters.</summary>
    /// <param name="idempotencyKey">The header value.</param>
    /// <returns>Whether it is accepted.</returns>
    public static bool IsValidIdempotencyKey(string? idempotencyKey) =>
        !string.IsNullOrEmpty(idempotencyKey)
        && idempotencyKey.Length <= MaxIdempotencyKeyLength
        && idempotencyKey.All(c => c is >= ' ' and <= '~');

    /// <summary>True when <paramref name="id"/> could be a render id (lowercase letters, digits, hyphens; at most 64).</summary>
    /// <param name="id">A value from a URL.</param>
    /// <returns>Whether it is well formed.</returns>
    public static bool IsWellFormed(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 64 && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    /// <summary>True when <paramref name="value"/> has the shape of an id this class makes: <c>r-</c> and 32 lowercase hex digits.</summary>
    /// <param name="value">A folder name, for example.</param>
    /// <returns>Whether it could be a render's id.</returns>
    public static bool LooksLikeRenderId(string? value) =>
        value is { Length: 34 } && value.StartsWith("r-", StringComparison.Ordinal) && value.AsSpan(2).ContainsAnyExcept("0123456789abcdef") is false;

    private static string Hash(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];
}
