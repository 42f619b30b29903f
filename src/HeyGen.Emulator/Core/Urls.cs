using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HeyGen.Emulator.Core;

/// <summary>Builds and checks the emulator's presigned URLs (downloads and direct uploads), signed with a per-instance key.</summary>
internal sealed class Urls
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string BaseAddress { get; set; } = "http://127.0.0.1";

    /// <summary>A download URL such as <c>/_files/video/vid_1/video.mp4?expires=…&amp;sig=…</c>.</summary>
    public string Download(string kind, string id, string file, DateTimeOffset expiresAt)
    {
        var path = $"/_files/{kind}/{id}/{file}";
        var expires = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{BaseAddress}{path}?expires={expires}&sig={Sign(path + "|" + expires)}";
    }

    /// <summary>The presigned PUT URL; size and expiry are signed into it.</summary>
    public string Upload(string assetId, long size, DateTimeOffset expiresAt)
    {
        var path = $"/_upload/{assetId}";
        var expires = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var sizeText = size.ToString(CultureInfo.InvariantCulture);
        return $"{BaseAddress}{path}?size={sizeText}&expires={expires}&sig={Sign(path + "|" + sizeText + "|" + expires)}";
    }

    public bool VerifyDownload(string path, string? expires, string? sig) =>
        expires is not null && sig is not null && Matches(path + "|" + expires, sig);

    public bool VerifyUpload(string path, string? size, string? expires, string? sig) =>
        size is not null && expires is not null && sig is not null && Matches(path + "|" + size + "|" + expires, sig);

    private bool Matches(string data, string sig) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(data)), Encoding.ASCII.GetBytes(sig));

    private string Sign(string data) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(data)))[..32];
}
