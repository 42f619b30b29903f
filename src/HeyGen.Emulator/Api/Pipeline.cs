using System.Security.Cryptography;
using HeyGen.Emulator.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HeyGen.Emulator.Api;

/// <summary>The request pipeline in front of every /v3 operation: errors, API key, rate limit, idempotency, faults.</summary>
internal static class Pipeline
{
    public static void Use(WebApplication app, Store store, ILogger logger)
    {
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (ApiException ex) when (!context.Response.HasStarted)
            {
                await Envelope.WriteErrorAsync(context, ex.Status, ex.Code, ex.Message, ex.Param, ex.RetryAfterSeconds).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
            {
                await Envelope.WriteErrorAsync(context, 400, "invalid_parameter", ex.Message).ConfigureAwait(false);
            }
        });

        app.UseWhen(c => c.Request.Path.StartsWithSegments("/v3"), v3 => v3.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "";
            var method = context.Request.Method;
            var key = context.Request.Headers["X-Api-Key"].ToString();
            if (key.Length == 0 || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(store.Options.ApiKey)))
            {
                await Envelope.WriteErrorAsync(context, 401, "unauthorized", "The API key is invalid, expired, or missing. Send it in the X-Api-Key header.").ConfigureAwait(false);
                return;
            }

            if (store.CountRequest(key) is { } retryAfter)
            {
                await Envelope.WriteErrorAsync(context, 429, "rate_limit_exceeded", "Too many requests. Retry after the number of seconds in Retry-After.", null, retryAfter).ConfigureAwait(false);
                return;
            }

            await Idempotency.RunAsync(context, store, async () =>
            {
                var fault = store.Faults.Take(method, path, FaultKind.Latency, FaultKind.RateLimit, FaultKind.ServerError);
                if (fault is not null)
                {
                    Log.FaultInjected(logger, method, path, fault.Kind);
                }

                switch (fault?.Kind)
                {
                    case FaultKind.Latency:
                        await (fault.Until ?? Task.Delay(fault.Delay, store.Time, context.RequestAborted)).WaitAsync(context.RequestAborted).ConfigureAwait(false);
                        break;
                    case FaultKind.RateLimit:
                        await Envelope.WriteErrorAsync(context, 429, "rate_limit_exceeded", "Too many requests (injected).", null, fault.RetryAfterSeconds).ConfigureAwait(false);
                        return;
                    case FaultKind.ServerError:
                        var (code, message) = fault.StatusCode switch
                        {
                            502 => ("bad_gateway", "Bad gateway (injected)."),
                            504 => ("gateway_timeout", "Gateway timeout (injected)."),
                            _ => ("internal_error", "An unexpected error occurred (injected)."),
                        };
                        await Envelope.WriteErrorAsync(context, fault.StatusCode, code, message).ConfigureAwait(false);
                        return;
                }

                await next(context).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }));
    }
}
