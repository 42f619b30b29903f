using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HeyGenRender.Pipeline.Api;

/// <summary>
/// The files of a render the API serves (<c>GET /api/renders/{id}/files/{name}</c>, for the dashboard's player): the
/// outputs and documents the workflow writes, at the top of the render's folder or in a language folder of a
/// translation, and nothing else. Captions are also served as WebVTT, which is what browsers play.
/// </summary>
public static partial class RenderFiles
{
    /// <summary>The WebVTT form of <c>captions.srt</c>.</summary>
    public const string VttCaptions = "captions.vtt";

    /// <summary>The largest SRT converted to WebVTT in memory (captions are a few KiB).</summary>
    public const int MaxCaptionBytes = 1024 * 1024;

    private static readonly string[] s_files = ["video.mp4", "thumbnail.jpg", "captions.srt", VttCaptions, "result.json", "error.json"];

    /// <summary>Whether <paramref name="name"/> is a file the API serves: one of the render's files, optionally under one language folder.</summary>
    /// <param name="name">The name from the route.</param>
    /// <returns>True for <c>video.mp4</c>, <c>spanish/video.mp4</c> and the like.</returns>
    public static bool IsRenderFile(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            return false;
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var file = slash < 0 ? name : name[(slash + 1)..];
        return s_files.Contains(file, StringComparer.Ordinal) && (slash < 0 || LanguageFolder().IsMatch(name[..slash]));
    }

    /// <summary>The content type of a render file.</summary>
    /// <param name="name">The file name.</param>
    /// <returns>The media type.</returns>
    public static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".mp4" => "video/mp4",
        ".jpg" => "image/jpeg",
        ".srt" => "application/x-subrip",
        ".vtt" => "text/vtt; charset=utf-8",
        _ => "application/json; charset=utf-8",
    };

    /// <summary>SRT captions as WebVTT: the header, and timestamps with a dot before the milliseconds.</summary>
    /// <param name="srt">The SRT text.</param>
    /// <returns>The WebVTT text.</returns>
    public static string ToWebVtt(string srt)
    {
        ArgumentNullException.ThrowIfNull(srt);
        var body = SrtTimestamp().Replace(srt.Replace("\r\n", "\n", StringComparison.Ordinal), m => m.Value.Replace(',', '.'));
        return string.Create(CultureInfo.InvariantCulture, $"WEBVTT\n\n{body.TrimStart('\uFEFF')}");
    }

    /// <summary>The UTF-8 bytes of <see cref="ToWebVtt(string)"/>.</summary>
    /// <param name="srt">The SRT bytes.</param>
    /// <returns>The WebVTT bytes.</returns>
    public static byte[] ToWebVtt(ReadOnlySpan<byte> srt) => Encoding.UTF8.GetBytes(ToWebVtt(Encoding.UTF8.GetString(srt)));

    // A translation's folder: lowercase words with hyphens (spanish, portuguese-brazil).
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageFolder();

    [GeneratedRegex(@"\d{2}:\d{2}:\d{2},\d{3}", RegexOptions.CultureInvariant)]
    private static partial Regex SrtTimestamp();
}
