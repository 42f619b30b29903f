using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace HeyGen.Emulator.Api;

/// <summary>Cursor pagination as HeyGen does it: <c>limit</c> (documented default and maximum) and an opaque <c>token</c>.</summary>
internal static class Paging
{
    public static IResult Page<T>(HttpRequest request, IReadOnlyList<T> items, int defaultLimit, int maxLimit, Func<T, JsonNode> project)
    {
        var limit = defaultLimit;
        if (request.Query.TryGetValue("limit", out var limitText))
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > maxLimit)
            {
                throw ApiException.Invalid("limit", $"limit must be an integer between 1 and {maxLimit}.");
            }
        }

        var offset = 0;
        if (request.Query.TryGetValue("token", out var token) && !string.IsNullOrEmpty(token))
        {
            offset = Decode(token!);
        }

        var page = items.Skip(offset).Take(limit).Select(project).ToList();
        var hasMore = offset + limit < items.Count;
        return Envelope.Page(page, hasMore, hasMore ? Encode(offset + limit) : null);
    }

    private static string Encode(int offset) => Convert.ToBase64String(Encoding.ASCII.GetBytes("o:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static int Decode(string token)
    {
        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("o:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }

        throw ApiException.Invalid("token", "token is not a valid pagination token.");
    }
}
