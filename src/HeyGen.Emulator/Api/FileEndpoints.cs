using System.Text;
using HeyGen.Emulator.Core;
using HeyGen.Emulator.Media;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace HeyGen.Emulator.Api;

/// <summary>Serves the presigned download URLs: videos, thumbnails, GIFs, captions and uploaded assets. No API key; the URL expires.</summary>
internal static class FileEndpoints
{
    public static void Map(IEndpointRouteBuilder app, Store store)
    {
        app.MapGet("/_files/{kind}/{id}/{file}", async (string kind, string id, string file, HttpContext context) =>
        {
            var request = context.Request;
            if (!store.Urls.VerifyDownload(request.Path.Value!, request.Query["expires"], request.Query["sig"]))
            {
                return Forbidden("SignatureDoesNotMatch", "The request signature does not match.");
            }

            var expired = DateTimeOffset.FromUnixTimeSeconds(long.Parse(request.Query["expires"]!, System.Globalization.CultureInfo.InvariantCulture)) < store.Now;
            if (expired || store.Faults.Take("GET", request.Path.Value, FaultKind.ExpiredDownload) is not null)
            {
                return Forbidden("AccessDenied", "Request has expired");
            }

            var (stream, contentType) = Open(store, kind, id, file);
            if (stream is null)
            {
                return Results.NotFound();
            }

            if (store.Faults.Take("GET", request.Path.Value, FaultKind.TruncatedDownload) is not null)
            {
                await using (stream)
                {
                    // Promise every byte, send half, then drop the connection.
                    context.Response.ContentType = contentType;
                    context.Response.ContentLength = stream.Length;
                    var half = stream.Length / 2;
                    var buffer = new byte[81920];
                    long sent = 0;
                    while (sent < half)
                    {
                        var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, half - sent)), context.RequestAborted).ConfigureAwait(false);
                        await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted).ConfigureAwait(false);
                        sent += read;
                    }

                    await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                    context.Abort();
                }

                return Results.Empty;
            }

            return Results.Stream(stream, contentType, enableRangeProcessing: true);
        });
    }

    private static IResult Forbidden(string code, string message) =>
        Results.Text($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>", "application/xml", null, 403);

    private static (Stream? Stream, string ContentType) Open(Store store, string kind, string id, string file)
    {
        if (kind == "asset")
        {
            var asset = store.FindAsset(id);
            return asset is { Status: "ready" } ? (File.OpenRead(asset.FilePath), asset.DetectedMimeType ?? asset.DeclaredContentType) : (null, "");
        }

        var jobKind = kind switch
        {
            "video" => JobKind.Video,
            "translation" => JobKind.Translation,
            "lipsync" => JobKind.Lipsync,
            _ => (JobKind?)null,
        };
        if (jobKind is null || store.FindJob(id, jobKind.Value) is not { } job || job.StatusAt(store.Now) != "completed")
        {
            return (null, "");
        }

        var shade = (byte)(Math.Abs(StringComparer.Ordinal.GetHashCode(job.Id)) % 200);
        return file switch
        {
            "video.mp4" or "captioned.mp4" => (new SyntheticVideoStream(Mp4Writer.Create(job.Width, job.Height, job.DurationSeconds, shade), job.SyntheticSize ?? 0, Seed(job.Id)), "video/mp4"),
            "thumbnail.jpg" => (new MemoryStream(StillImages.GreyJpeg(job.Width, job.Height)), "image/jpeg"),
            "preview.gif" => (new MemoryStream(StillImages.TinyGif()), "image/gif"),
            "captions.srt" => (new MemoryStream(Encoding.UTF8.GetBytes(Captions(job, vtt: false))), "application/x-subrip"),
            "captions.vtt" => (new MemoryStream(Encoding.UTF8.GetBytes(Captions(job, vtt: true))), "text/vtt"),
            "audio.wav" => (new MemoryStream(Wav(job.DurationSeconds)), "audio/wav"),
            _ => (null, ""),
        };
    }

    /// <summary>The seed of a job's synthetic bytes: stable for the id, so a download can be regenerated and compared.</summary>
    public static ulong Seed(string id)
    {
        ulong hash = 14695981039346656037UL;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    private static string Captions(Job job, bool vtt)
    {
        var text = string.IsNullOrWhiteSpace(job.Script) ? "(emulated speech)" : job.Script!.Trim();
        var end = TimeSpan.FromSeconds(job.DurationSeconds);
        var separator = vtt ? '.' : ',';
        var stamp = $"{end.Hours:00}:{end.Minutes:00}:{end.Seconds:00}{separator}{end.Milliseconds:000}";
        var start = $"00:00:00{separator}000";
        return vtt ? $"WEBVTT\n\n{start} --> {stamp}\n{text}\n" : $"1\n{start} --> {stamp}\n{text}\n";
    }

    private static byte[] Wav(double seconds)
    {
        const int rate = 8000;
        var samples = (int)(rate * Math.Min(seconds, 60));
        using var output = new MemoryStream();
        using var writer = new BinaryWriter(output);
        writer.Write("RIFF"u8);
        writer.Write(36 + samples);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(rate);
        writer.Write(rate);
        writer.Write((short)1);
        writer.Write((short)8);
        writer.Write("data"u8);
        writer.Write(samples);
        for (var i = 0; i < samples; i++)
        {
            writer.Write((byte)128);
        }

        writer.Flush();
        return output.ToArray();
    }
}
