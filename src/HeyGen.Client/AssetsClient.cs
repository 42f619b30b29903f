using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using HeyGen.Client.Internal;
using HeyGen.Client.Serialization;

namespace HeyGen.Client;

/// <summary>Assets: multipart upload (up to 32 MB), the direct upload for large files, get, list, delete.</summary>
public class AssetsClient
{
    private static readonly HeyGenRoute s_uploadRoute = new("PUT", "upload_url");

    private readonly HeyGenPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected AssetsClient()
    {
    }

    internal AssetsClient(HeyGenPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// Uploads a file of any size with the direct upload: initialize, <c>PUT</c> the bytes to the presigned
    /// URL (with exactly the returned <c>upload_headers</c>, no API key), then complete (retried while HeyGen
    /// answers 409 <c>resource_not_ready</c>). The content is streamed; memory does not grow with its size.
    /// </summary>
    /// <param name="content">The bytes, read once from the current position (rewound for a retried <c>PUT</c> only if seekable).</param>
    /// <param name="length">The exact number of bytes to send.</param>
    /// <param name="fileName">The file name.</param>
    /// <param name="contentType">The MIME type, for example <c>video/mp4</c>.</param>
    /// <param name="options">Checksum, progress and idempotency key.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The completed asset.</returns>
    /// <exception cref="HeyGenException">HeyGen or the storage answered with an error.</exception>
    /// <exception cref="ArgumentException">An argument is invalid; the message names it.</exception>
    public virtual async Task<HeyGenAsset> UploadAsync(Stream content, long length, string fileName, string contentType, UploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        if (!content.CanRead)
        {
            throw new ArgumentException("content must be readable.", nameof(content));
        }

        if (options is { Sha256Hex: not null, Sha256AfterUpload: not null })
        {
            throw new ArgumentException("Set Sha256Hex (known before the upload) or Sha256AfterUpload (known after it), not both.", nameof(options));
        }

        var sha = NormalizeSha256(options?.Sha256Hex);
        var upload = await CreateDirectUploadAsync(
            new CreateDirectUploadRequest { FileName = fileName, ContentType = contentType, SizeBytes = length, ChecksumSha256 = sha },
            options?.IdempotencyKey,
            cancellationToken).ConfigureAwait(false);

        if (upload.MaxBytes is { } max && length > max)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"HeyGen accepts at most {max} bytes for this upload.");
        }

        Log.UploadStarting(_pipeline.Logger, upload.AssetId, length);
        try
        {
            await PutUploadAsync(upload, content, length, options?.Progress, cancellationToken).ConfigureAwait(false);
        }
        catch (HeyGenException refused) when (refused.Status == (int)HttpStatusCode.Forbidden && options?.IdempotencyKey is not null)
        {
            // A re-run after a crash replays the initialize by its Idempotency-Key, and with it an asset an earlier run may
            // already have completed, whose storage takes no more bytes. One complete says whether it did (the declared
            // checksum, if any, is verified again); otherwise the PUT's own refusal stands.
            return await CompletedEarlierAsync(upload.AssetId, sha, refused, cancellationToken).ConfigureAwait(false);
        }

        sha ??= NormalizeSha256(options?.Sha256AfterUpload?.Invoke());
        var asset = await CompleteWhenReadyAsync(upload.AssetId, sha, cancellationToken).ConfigureAwait(false);
        Log.UploadCompleted(_pipeline.Logger, upload.AssetId);
        return asset;
    }

    /// <summary>Step 1 of the direct upload: <c>POST /v3/assets/direct-uploads</c>.</summary>
    /// <param name="request">Name, type, exact size and optional checksum.</param>
    /// <param name="idempotencyKey">Makes the call safe to retry.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The asset id, the presigned URL and the headers the <c>PUT</c> must carry.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<DirectUpload> CreateDirectUploadAsync(CreateDirectUploadRequest request, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.SizeBytes, "request.SizeBytes");
        var body = request with { ChecksumSha256 = NormalizeSha256(request.ChecksumSha256) };
        return _pipeline.SendAsync(
            HeyGenRoutes.CreateDirectUpload,
            HeyGenRoutes.CreateDirectUpload.Format(),
            HeyGenPipeline.Json(body, HeyGenJsonContext.Default.CreateDirectUploadRequest),
            HeyGenJsonContext.Default.DirectUpload,
            CallOptions.Create(idempotencyKey),
            cancellationToken);
    }

    /// <summary>
    /// Step 2 of the direct upload: <c>PUT</c> the bytes to the presigned URL with exactly
    /// <see cref="DirectUpload.UploadHeaders"/> and an exact <c>Content-Length</c>; never the API key.
    /// No per-request timeout applies. A failed <c>PUT</c> is retried only if <paramref name="content"/> can seek.
    /// </summary>
    /// <param name="upload">The result of step 1.</param>
    /// <param name="content">The bytes.</param>
    /// <param name="length">The exact number of bytes (as declared in step 1).</param>
    /// <param name="progress">Receives the bytes sent so far.</param>
    /// <param name="cancellationToken">Cancels the transfer.</param>
    /// <returns>A task that completes when the storage accepted the bytes.</returns>
    /// <exception cref="HeyGenException">
    /// The storage answered with an error; its S3-style XML <c>Code</c> and <c>Message</c> (for example
    /// <see cref="HeyGenErrorCode.BadDigest"/>) become <see cref="HeyGenException.ErrorCode"/> and the message.
    /// </exception>
    public virtual async Task PutUploadAsync(DirectUpload upload, Stream content, long length, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var options = _pipeline.Options;

        // The PUT goes to HeyGen's storage, not the API: its own span, with the size but never the presigned URL (it is a credential).
        using var span = HeyGenTelemetry.Source.StartActivity("HeyGen PUT upload_url", ActivityKind.Client);
        span?.SetTag("http.request.method", "PUT");
        span?.SetTag("url.template", s_uploadRoute.Template);
        span?.SetTag("http.request.body.size", length);
        span?.SetTag("heygen.asset_id", upload.AssetId);
        var start = content.CanSeek ? content.Position : -1;
        var attempts = content.CanSeek ? options.MaxRetries + 1 : 1;
        for (var attempt = 1; ; attempt++)
        {
            if (start >= 0)
            {
                content.Position = start;
            }

            HttpResponseMessage response;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, upload.UploadUrl);
                request.Content = new UploadContent(content, length, options.UploadBufferSize, progress);
                foreach (var (name, value) in upload.UploadHeaders)
                {
                    if (string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
                    {
                        continue; // Set exactly from length above.
                    }

                    if (!request.Headers.TryAddWithoutValidation(name, value))
                    {
                        request.Content.Headers.Remove(name);
                        request.Content.Headers.TryAddWithoutValidation(name, value);
                    }
                }

                response = await _pipeline.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (attempt < attempts)
            {
                await DelayAsync(attempt, ex.GetType().Name, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (HttpRequestException ex)
            {
                throw new HeyGenException(0, null, $"The upload PUT for asset {upload.AssetId} failed: {ex.Message}", innerException: ex);
            }

            using (response)
            {
                span?.SetTag("http.response.status_code", (int)response.StatusCode);
                if (response.IsSuccessStatusCode)
                {
                    HeyGenTelemetry.UploadedBytes.Add(length);
                    return;
                }

                if (HeyGenPipeline.IsRetryableStatus(response.StatusCode) && attempt < attempts)
                {
                    await DelayAsync(attempt, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                span?.SetStatus(ActivityStatusCode.Error, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                throw await _pipeline.ToStorageExceptionAsync(s_uploadRoute, response, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Step 3 of the direct upload: <c>POST /v3/assets/{asset_id}/complete</c> (idempotent).</summary>
    /// <param name="assetId">The asset id from step 1.</param>
    /// <param name="checksumSha256">Optional lowercase hex SHA-256, verified against the stored bytes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The completed asset.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error; 409 <c>resource_not_ready</c> if the <c>PUT</c> has not landed.</exception>
    public virtual Task<HeyGenAsset> CompleteUploadAsync(string assetId, string? checksumSha256 = null, CancellationToken cancellationToken = default)
    {
        var body = new CompleteUploadBody { ChecksumSha256 = NormalizeSha256(checksumSha256) };
        return _pipeline.SendAsync(
            HeyGenRoutes.CompleteDirectUpload,
            HeyGenRoutes.CompleteDirectUpload.Format(assetId),
            HeyGenPipeline.Json(body, HeyGenJsonContext.Default.CompleteUploadBody),
            HeyGenJsonContext.Default.HeyGenAsset,
            new CallOptions(Idempotent: true, IdempotencyKey: null),
            cancellationToken);
    }

    /// <summary>Uploads a small file (up to 32 MB) in one <c>multipart/form-data</c> request: <c>POST /v3/assets</c>.</summary>
    /// <param name="content">The bytes (streamed).</param>
    /// <param name="fileName">The file name.</param>
    /// <param name="contentType">The MIME type.</param>
    /// <param name="idempotencyKey">Makes the call safe to retry (only if <paramref name="content"/> can seek).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The asset.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<HeyGenAsset> UploadMultipartAsync(Stream content, string fileName, string contentType, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        var start = content.CanSeek ? content.Position : -1;
        Func<HttpContent?> body = () =>
        {
            if (start >= 0)
            {
                content.Position = start;
            }

            var file = new StreamContent(new NonDisposingStream(content));
            file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            var form = new MultipartFormDataContent { { file, "file", fileName } };
            return form;
        };
        var call = CallOptions.Create(idempotencyKey) with { Replayable = content.CanSeek };
        return _pipeline.SendAsync(HeyGenRoutes.UploadAsset, HeyGenRoutes.UploadAsset.Format(), body, HeyGenJsonContext.Default.HeyGenAsset, call, cancellationToken);
    }

    /// <summary>Gets an asset: <c>GET /v3/assets/{asset_id}</c>.</summary>
    /// <param name="assetId">The asset id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The asset.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error (404 <c>asset_not_found</c>).</exception>
    public virtual Task<AssetDetail> GetAsync(string assetId, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(HeyGenRoutes.GetAsset, HeyGenRoutes.GetAsset.Format(assetId), null, HeyGenJsonContext.Default.AssetDetail, CallOptions.Read, cancellationToken);

    /// <summary>Lists one page of assets: <c>GET /v3/assets</c>.</summary>
    /// <param name="options">Limit and cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<HeyGenPage<AssetDetail>> GetPageAsync(AssetListOptions? options = null, CancellationToken cancellationToken = default) =>
        _pipeline.SendPageAsync(
            HeyGenRoutes.ListAssets,
            Query.Build(HeyGenRoutes.ListAssets.Format(), ("limit", Query.Of(options?.Limit)), ("token", options?.Token)),
            HeyGenJsonContext.Default.ListAssetDetail,
            cancellationToken);

    /// <summary>Lists all assets, page by page.</summary>
    /// <param name="options">Page size and a starting cursor.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The assets.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual IAsyncEnumerable<AssetDetail> ListAsync(AssetListOptions? options = null, CancellationToken cancellationToken = default) =>
        HeyGenPipeline.PaginateAsync((token, ct) => GetPageAsync((options ?? new AssetListOptions()) with { Token = token }, ct), options?.Token, cancellationToken);

    /// <summary>Deletes an asset: <c>DELETE /v3/assets/{asset_id}</c>.</summary>
    /// <param name="assetId">The asset id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The deletion result.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<DeleteResult> DeleteAsync(string assetId, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(HeyGenRoutes.DeleteAsset, HeyGenRoutes.DeleteAsset.Format(assetId), null, HeyGenJsonContext.Default.DeleteResult, CallOptions.Read, cancellationToken);

    internal static string? NormalizeSha256(string? sha)
    {
        if (sha is null)
        {
            return null;
        }

        if (sha.Length != 64 || !sha.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException("Sha256Hex must be 64 hexadecimal characters (a SHA-256 digest).", nameof(sha));
        }

        return sha.ToLowerInvariant();
    }

    private async Task<HeyGenAsset> CompletedEarlierAsync(string assetId, string? sha, HeyGenException refused, CancellationToken cancellationToken)
    {
        HeyGenAsset asset;
        try
        {
            asset = await CompleteUploadAsync(assetId, sha, cancellationToken).ConfigureAwait(false);
        }
        catch (HeyGenException)
        {
            ExceptionDispatchInfo.Throw(refused);
            throw;
        }

        Log.UploadCompletedEarlier(_pipeline.Logger, assetId);
        return asset;
    }

    private async Task<HeyGenAsset> CompleteWhenReadyAsync(string assetId, string? sha, CancellationToken cancellationToken)
    {
        var options = _pipeline.Options;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CompleteUploadAsync(assetId, sha, cancellationToken).ConfigureAwait(false);
            }
            catch (HeyGenException ex) when (ex.Status == (int)HttpStatusCode.Conflict
                && ex.ErrorCode == HeyGenErrorCode.ResourceNotReady
                && attempt < options.CompleteUploadMaxAttempts)
            {
                var delay = ex.RetryAfter ?? Backoff(attempt);
                Log.CompleteNotReady(_pipeline.Logger, assetId, attempt, delay);
                await Task.Delay(delay, options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var options = _pipeline.Options;
        var ms = Math.Min(options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1), options.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms);
    }

    private Task DelayAsync(int attempt, string reason, CancellationToken cancellationToken)
    {
        var delay = Backoff(attempt);
        Log.Retrying(_pipeline.Logger, "PUT", "upload_url", attempt, delay, reason);
        HeyGenPipeline.RecordRetry(s_uploadRoute, attempt, delay, reason, reason == "429");
        return Task.Delay(delay, _pipeline.Options.TimeProvider, cancellationToken);
    }
}
