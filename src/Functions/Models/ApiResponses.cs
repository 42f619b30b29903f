using HeyGenRender.Pipeline.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace HeyGenRender.Functions.Models;

/// <summary>Writes the pipeline's <see cref="ApiResponse"/> as the function's HTTP response, unchanged.</summary>
internal static class ApiResponses
{
    public static IActionResult ToActionResult(this ApiResponse response, HttpResponse http)
    {
        foreach (var (name, value) in response.Headers)
        {
            if (!string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                http.Headers[name] = value;
            }
        }

        return new ContentResult
        {
            StatusCode = response.StatusCode,
            Content = response.Body,
            ContentType = response.Body is null ? null : ApiResponse.JsonContentType,
        };
    }
}
