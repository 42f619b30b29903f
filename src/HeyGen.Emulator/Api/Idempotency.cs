using System.Security.Cryptography;
using HeyGen.Emulator.Core;
using Microsoft.AspNetCore.Http;

namespace HeyGen.Emulator.Api;

/// <summary>
/// <c>Idempotency-Key</c>: the same key and body within 24 h replays the stored response; a retry while the first is still
/// running gets 409 <c>request_in_progress</c>; the same key with another body gets 409 <c>conflict</c>. 5xx and 429 answers
/// are not stored, so a retry after them runs again.
/// </summary>
internal static class Idempotency
{
    public static async Task RunAsync(HttpContext context, Store store, Func<Task> next)
    {
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length == 0 || HttpMethods.IsGet(context.Request.Method) || context.Request.HasFormContentType)
        {
            await next().ConfigureAwait(false);
            return;
        }

        context.Request.EnableBuffering();
        string hash;
        using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                sha.AppendData(buffer, 0, read);
            }

            hash = context.Request.Method + " " + context.Request.Path + " " + Convert.ToHexStringLower(sha.GetHashAndReset());
        }

        context.Request.Body.Position = 0;
        var existing = store.ClaimIdempotencyKey(key, hash, out var record);
        if (existing is not null)
        {
            if (existing.BodyHash != hash)
            {
                throw new ApiException(409, "conflict", "This Idempotency-Key was already used with a different request. Use a new key for a new request.", "Idempotency-Key");
            }

            if (!existing.Completed)
            {
                throw new ApiException(409, "request_in_progress", "A prior request with this Idempotency-Key is still in progress. Retry once it has completed.", "Idempotency-Key");
            }

            context.Response.StatusCode = existing.StatusCode;
            foreach (var header in existing.Headers)
            {
                context.Response.Headers[header.Key] = header.Value;
            }

            context.Response.Headers["Idempotent-Replayed"] = "true";
            context.Response.ContentType = existing.ContentType;
            await context.Response.Body.WriteAsync(existing.Body, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var original = context.Response.Body;
        using var capture = new MemoryStream();
        context.Response.Body = capture;
        var stored = false;
        try
        {
            try
            {
                await next().ConfigureAwait(false);
            }
            catch (ApiException ex)
            {
                await Envelope.WriteErrorAsync(context, ex.Status, ex.Code, ex.Message, ex.Param, ex.RetryAfterSeconds).ConfigureAwait(false);
            }

            var status = context.Response.StatusCode;
            if (status < 500 && status != 429)
            {
                record.StatusCode = status;
                record.ContentType = context.Response.ContentType;
                record.Body = capture.ToArray();
                record.Completed = true;
                stored = true;
            }
        }
        finally
        {
            context.Response.Body = original;
            if (!stored)
            {
                store.ReleaseIdempotencyKey(key, record);
            }
        }

        capture.Position = 0;
        await capture.CopyToAsync(original, context.RequestAborted).ConfigureAwait(false);
    }
}
