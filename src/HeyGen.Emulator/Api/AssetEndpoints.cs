using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HeyGen.Emulator.Core;
using HeyGen.Emulator.Media;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace HeyGen.Emulator.Api;

/// <summary>Assets: multipart upload (32 MB), direct upload (init → PUT → complete), get, list, delete.</summary>
internal static class AssetEndpoints
{
    public static void Map(IEndpointRouteBuilder app, Store store)
    {
        app.MapPost("/v3/assets", (HttpRequest request) => UploadMultipartAsync(store, request));
        app.MapPost("/v3/assets/direct-uploads", async (HttpRequest request) =>
        {
            var body = await JobEndpoints.ReadAsync(request, Specs.DirectUpload).ConfigureAwait(false);
            var size = body.GetProperty("size_bytes").GetInt64();
            if (size > store.Options.DirectUploadMaxBytes)
            {
                throw ApiException.Invalid("size_bytes", $"size_bytes exceeds max_bytes ({store.Options.DirectUploadMaxBytes}).");
            }

            var contentType = body.GetProperty("content_type").GetString()!;
            var checksum = body.TryGetProperty("checksum_sha256", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.String ? c.GetString()!.ToLowerInvariant() : null;
            if (checksum is not null && (checksum.Length != 64 || !checksum.All(Uri.IsHexDigit)))
            {
                throw ApiException.Invalid("checksum_sha256", "checksum_sha256 must be 64 hex characters.");
            }

            var id = Store.NewId("asset_");
            var expires = store.Now + store.Options.UploadUrlLifetime;
            var asset = new Asset
            {
                Id = id,
                FileName = body.GetProperty("filename").GetString()!,
                DeclaredContentType = contentType,
                SizeBytes = size,
                FilePath = Path.Combine(store.StorageDirectory, id),
                CreatedAt = store.Now,
                ChecksumSha256 = checksum,
                UploadExpiresAt = expires,
            };
            store.AddAsset(asset);
            var headers = new JsonObject { ["Content-Type"] = contentType };
            if (checksum is not null)
            {
                headers["x-amz-checksum-sha256"] = Convert.ToBase64String(Convert.FromHexString(checksum));
            }

            return Envelope.Data(new JsonObject
            {
                ["asset_id"] = id,
                ["upload_url"] = store.Urls.Upload(id, size, expires),
                ["upload_headers"] = headers,
                ["expires_in_seconds"] = (long)store.Options.UploadUrlLifetime.TotalSeconds,
                ["max_bytes"] = store.Options.DirectUploadMaxBytes,
                ["status"] = "pending_upload",
            });
        });
        app.MapPost("/v3/assets/{assetId}/complete", async (string assetId, HttpRequest request) =>
        {
            var body = request.ContentLength is 0 ? default : await JobEndpoints.ReadAsync(request, Specs.CompleteUpload).ConfigureAwait(false);
            var asset = store.FindAsset(assetId) ?? throw ApiException.NotFound("asset_not_found", $"Asset '{assetId}'");
            var status = store.Locked(() => asset.Status);
            if (status == "pending_upload")
            {
                throw new ApiException(409, "resource_not_ready", "Uploaded object not found yet. Retry after the PUT has returned 200.");
            }

            if (body.ValueKind == System.Text.Json.JsonValueKind.Object && body.TryGetProperty("checksum_sha256", out var sum) && sum.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                // The hash the PUT computed over the bytes it stored: verifying costs no second read of the object.
                var actual = store.Locked(() => asset.StoredSha256);
                if (!string.Equals(actual, sum.GetString(), StringComparison.OrdinalIgnoreCase))
                {
                    throw ApiException.Invalid("checksum_sha256", "checksum_sha256 does not match the uploaded bytes.");
                }
            }

            if (status == "uploaded")
            {
                var detected = await DetectAsync(asset.FilePath).ConfigureAwait(false);
                if (!MagicNumbers.Agrees(asset.DeclaredContentType, detected))
                {
                    throw ApiException.Invalid("content_type", $"The uploaded bytes are {detected ?? "of an unknown type"}, not the declared {asset.DeclaredContentType}.");
                }

                store.Locked(() =>
                {
                    if (asset.Status == "uploaded")
                    {
                        asset.Status = "ready";
                        asset.DetectedMimeType = detected;
                        if (store.Faults.Take("GET", "/v3/assets/" + asset.Id, FaultKind.AssetNotFoundAfterComplete) is { } fault)
                        {
                            asset.TransientNotFoundLeft = Math.Max(1, fault.RetryAfterSeconds);
                        }
                    }

                    return 0;
                });
            }

            return Envelope.Data(CompletedJson(store, asset));
        });
        app.MapGet("/v3/assets/{assetId}", (string assetId) =>
        {
            var asset = store.FindAsset(assetId);
            var visible = asset is not null && store.Locked(() =>
            {
                if (asset.TransientNotFoundLeft > 0)
                {
                    asset.TransientNotFoundLeft--;
                    return false;
                }

                return asset.Status == "ready";
            });
            return visible ? Envelope.Data(AssetJson(store, asset!)) : throw ApiException.NotFound("asset_not_found", $"Asset '{assetId}'");
        });
        app.MapGet("/v3/assets", (HttpRequest request) => Paging.Page(request, store.ListAssets(), 20, 100, a => AssetJson(store, a)));
        app.MapDelete("/v3/assets/{assetId}", (string assetId) =>
        {
            var asset = store.FindAsset(assetId) ?? throw ApiException.NotFound("asset_not_found", $"Asset '{assetId}'");
            store.Locked(() => asset.Deleted = true);
            File.Delete(asset.FilePath);
            return Envelope.Data(new JsonObject { ["id"] = assetId });
        });

        app.MapPut("/_upload/{assetId}", (string assetId, HttpContext context) => ReceiveUploadAsync(store, assetId, context));
    }

    private static JsonObject CompletedJson(Store store, Asset asset) => new()
    {
        ["asset_id"] = asset.Id,
        ["url"] = store.Urls.Download("asset", asset.Id, Uri.EscapeDataString(asset.FileName), store.Now + store.Options.DownloadUrlLifetime),
        ["mime_type"] = asset.DetectedMimeType ?? asset.DeclaredContentType,
        ["size_bytes"] = asset.SizeBytes,
        ["status"] = "ready",
    };

    private static JsonObject AssetJson(Store store, Asset asset) => new()
    {
        ["id"] = asset.Id,
        ["name"] = asset.FileName,
        ["type"] = (asset.DetectedMimeType ?? asset.DeclaredContentType).Split('/')[0],
        ["url"] = store.Urls.Download("asset", asset.Id, Uri.EscapeDataString(asset.FileName), store.Now + store.Options.DownloadUrlLifetime),
        ["owner"] = "emulator-user",
        ["space_id"] = "space_emulator",
        ["folder_id"] = null,
        ["uploaded_at"] = asset.CreatedAt.ToUnixTimeSeconds(),
    };

    private static async Task<IResult> UploadMultipartAsync(Store store, HttpRequest request)
    {
        if (!request.HasFormContentType || !MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || mediaType.Boundary.Length == 0)
        {
            throw ApiException.Invalid("file", "Send the file as multipart/form-data in a part named 'file'.");
        }

        var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value!, request.Body);
        while (await reader.ReadNextSectionAsync(request.HttpContext.RequestAborted).ConfigureAwait(false) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name.Value?.Trim('"') != "file")
            {
                throw ApiException.Invalid(disposition?.Name.Value?.Trim('"') ?? "file", "Only a part named 'file' is accepted.");
            }

            var id = Store.NewId("asset_");
            var path = Path.Combine(store.StorageDirectory, id);
            long size;
            await using (var file = File.Create(path))
            {
                size = await CopyCappedAsync(section.Body, file, store.Options.MultipartMaxBytes, request.HttpContext.RequestAborted).ConfigureAwait(false);
            }

            if (size < 0)
            {
                File.Delete(path);
                throw ApiException.Invalid("file", "The file exceeds the 32 MB limit of POST /v3/assets; use the direct upload flow for larger files.");
            }

            var detected = await DetectAsync(path).ConfigureAwait(false);
            var fileName = disposition.FileName.Value?.Trim('"') ?? id;
            if (detected is null && !fileName.EndsWith(".srt", StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(path);
                throw ApiException.Invalid("file", "Unsupported file type. Supported: png, jpeg, mp4, webm, mp3, wav, pdf, srt.");
            }

            var asset = new Asset
            {
                Id = id,
                FileName = fileName,
                DeclaredContentType = detected ?? "application/x-subrip",
                SizeBytes = size,
                FilePath = path,
                CreatedAt = store.Now,
                Status = "ready",
                DetectedMimeType = detected ?? "application/x-subrip",
            };
            store.AddAsset(asset);
            return Envelope.Data(new JsonObject
            {
                ["asset_id"] = id,
                ["url"] = store.Urls.Download("asset", id, Uri.EscapeDataString(fileName), store.Now + store.Options.DownloadUrlLifetime),
                ["mime_type"] = asset.DetectedMimeType,
                ["size_bytes"] = size,
            });
        }

        throw ApiException.Invalid("file", "file is required.");
    }

    // The presigned PUT: no API key; expiry, signed size, headers verbatim and the optional checksum are enforced. S3-style XML errors.
    private static async Task<IResult> ReceiveUploadAsync(Store store, string assetId, HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value!;
        if (!store.Urls.VerifyUpload(path, request.Query["size"], request.Query["expires"], request.Query["sig"]))
        {
            return S3Error(403, "SignatureDoesNotMatch", "The request signature does not match.");
        }

        if (DateTimeOffset.FromUnixTimeSeconds(long.Parse(request.Query["expires"]!, CultureInfo.InvariantCulture)) < store.Now)
        {
            return S3Error(403, "AccessDenied", "Request has expired");
        }

        var asset = store.FindAsset(assetId);
        if (asset is null)
        {
            return S3Error(404, "NoSuchUpload", "The upload does not exist.");
        }

        // After complete, the asset is HeyGen's: the presigned URL no longer replaces its bytes.
        if (asset.Status is not ("pending_upload" or "uploaded"))
        {
            return S3Error(403, "AccessDenied", "The upload has been completed; the upload URL no longer accepts bytes.");
        }

        if (request.ContentType != asset.DeclaredContentType)
        {
            return S3Error(403, "SignatureDoesNotMatch", "Content-Type must be sent exactly as in upload_headers.");
        }

        string? expectedChecksum = asset.ChecksumSha256 is null ? null : Convert.ToBase64String(Convert.FromHexString(asset.ChecksumSha256));
        if (expectedChecksum is not null && request.Headers["x-amz-checksum-sha256"].ToString() != expectedChecksum)
        {
            return S3Error(403, "SignatureDoesNotMatch", "x-amz-checksum-sha256 must be sent exactly as in upload_headers.");
        }

        if (request.ContentLength is { } length && length != asset.SizeBytes)
        {
            return S3Error(400, "BadRequest", $"Content-Length {length} does not match the signed size {asset.SizeBytes}.");
        }

        // One temp file per PUT, so a retried or concurrent PUT of the same URL never writes into another's file.
        var temp = asset.FilePath + "." + Guid.NewGuid().ToString("N") + ".part";
        long received;
        string hash;
        try
        {
            await using (var file = File.Create(temp))
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                received = 0;
                int read;
                while ((read = await request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
                {
                    received += read;
                    if (received > asset.SizeBytes)
                    {
                        break;
                    }

                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted).ConfigureAwait(false);
                }

                hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            }

            if (received != asset.SizeBytes)
            {
                return S3Error(400, "IncompleteBody", $"Received {received} bytes; the signed size is {asset.SizeBytes}.");
            }

            if (asset.ChecksumSha256 is not null && hash != asset.ChecksumSha256)
            {
                return S3Error(400, "BadDigest", "The SHA-256 you specified did not match the calculated checksum.");
            }

            // Bytes and their hash change together, so the last of two racing PUTs leaves a matching pair.
            store.Locked(() =>
            {
                File.Move(temp, asset.FilePath, overwrite: true);
                asset.StoredSha256 = hash;
                if (asset.Status == "pending_upload")
                {
                    asset.Status = "uploaded";
                }

                return 0;
            });
        }
        finally
        {
            File.Delete(temp);
        }

        context.Response.Headers.ETag = "\"" + hash[..32] + "\"";
        return Results.Ok();
    }

    private static IResult S3Error(int status, string code, string message) =>
        Results.Text($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>", "application/xml", null, status);

    private static async Task<long> CopyCappedAsync(Stream source, Stream target, long cap, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > cap)
            {
                return -1;
            }

            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }

        return total;
    }

    private static async Task<string?> DetectAsync(string path)
    {
        var head = new byte[16];
        await using var file = File.OpenRead(path);
        var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false).ConfigureAwait(false);
        return MagicNumbers.Detect(head.AsSpan(0, read));
    }
}
