using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace HeyGen.Emulator.Api;

/// <summary>A HeyGen error response (<c>{"error": {code, message, param, doc_url}}</c>) raised from a handler.</summary>
internal sealed class ApiException(int status, string code, string message, string? param = null, int? retryAfterSeconds = null)
    : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public string? Param { get; } = param;

    public int? RetryAfterSeconds { get; } = retryAfterSeconds;

    public static ApiException Invalid(string param, string message) => new(400, "invalid_parameter", message, param);

    public static ApiException NotFound(string code, string what) => new(404, code, $"{what} not found.");
}

/// <summary>Writes HeyGen's envelopes.</summary>
internal static class Envelope
{
    public static IResult Data(JsonNode? data) => Json(200, new JsonObject { ["data"] = data });

    public static IResult Page(IEnumerable<JsonNode> items, bool hasMore, string? nextToken) => Json(200, new JsonObject
    {
        ["data"] = new JsonArray([.. items]),
        ["has_more"] = hasMore,
        ["next_token"] = nextToken,
    });

    public static IResult Json(int status, JsonNode body) => Results.Text(body.ToJsonString(s_json), "application/json", null, status);

    // Readable messages ("field 'x'") rather than \u0027 escapes; still valid JSON.
    private static readonly System.Text.Json.JsonSerializerOptions s_json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject ErrorBody(string code, string message, string? param) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["param"] = param,
            ["doc_url"] = "https://developers.heygen.com/docs/error-codes#" + code.Replace('_', '-'),
        },
    };

    public static async Task WriteErrorAsync(HttpContext context, int status, string code, string message, string? param = null, int? retryAfterSeconds = null)
    {
        context.Response.StatusCode = status;
        if (retryAfterSeconds is { } retry)
        {
            context.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(ErrorBody(code, message, param).ToJsonString(s_json), context.RequestAborted).ConfigureAwait(false);
    }
}
