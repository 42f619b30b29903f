using System.Text;
using System.Text.Json;

namespace HeyGenRender.Pipeline.Api;

/// <summary>
/// A host-agnostic HTTP answer: status, JSON body and headers. ASP.NET Core (the CLI's <c>serve</c>) and the
/// Functions HTTP triggers copy it onto their response; nothing here depends on either.
/// </summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Body">The JSON body, or null for none.</param>
/// <param name="Headers">Extra headers (such as <c>Location</c>, <c>Retry-After</c>).</param>
public sealed record ApiResponse(int StatusCode, string? Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The answer in one word, for logs and metrics: the error code, or what the handler says it did (<c>accepted</c>, <c>duplicate</c>, …).</summary>
    public string? Outcome { get; init; }

    /// <summary>The content type of every body.</summary>
    public const string JsonContentType = "application/json; charset=utf-8";

    private static readonly IReadOnlyDictionary<string, string> s_noHeaders = new Dictionary<string, string>();

    /// <summary>An answer with a JSON body written by <paramref name="write"/>.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="write">Writes one JSON value.</param>
    /// <param name="headers">Extra headers.</param>
    /// <returns>The response.</returns>
    public static ApiResponse Json(int statusCode, Action<Utf8JsonWriter> write, IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            write(writer);
        }

        return new ApiResponse(statusCode, Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), headers ?? s_noHeaders);
    }

    /// <summary>An error answer: <c>{"error": {"code": …, "message": …}}</c>.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="code">A stable, snake_case error code.</param>
    /// <param name="message">What went wrong, for people.</param>
    /// <param name="headers">Extra headers.</param>
    /// <returns>The response.</returns>
    public static ApiResponse Error(int statusCode, string code, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        Json(statusCode, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("code", code);
            w.WriteString("message", message);
            w.WriteEndObject();
            w.WriteEndObject();
        }, headers) with { Outcome = code };
}
