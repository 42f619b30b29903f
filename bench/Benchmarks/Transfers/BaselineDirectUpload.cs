using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace HeyGenRender.Benchmarks.Transfers;

/// <summary>
/// Steps 1 and 3 of HeyGen's direct upload done the way the docs' curl example does them, for the baselines
/// (the curl pipe and the buffering upload), which then PUT the bytes themselves.
/// </summary>
internal sealed class BaselineDirectUpload(HttpClient http, Uri apiBase, string apiKey)
{
    public async Task<(string AssetId, Uri UploadUrl, IReadOnlyList<KeyValuePair<string, string>> Headers)> InitAsync(string fileName, long size, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(apiBase, "v3/assets/direct-uploads"))
        {
            Content = JsonContent.Create(new JsonObject { ["filename"] = fileName, ["content_type"] = "video/mp4", ["size_bytes"] = size }),
        };
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"direct-uploads init: {(int)response.StatusCode} {body}");
        }

        var data = JsonNode.Parse(body)!["data"]!;
        var headers = data["upload_headers"]?.AsObject().Select(h => KeyValuePair.Create(h.Key, h.Value!.GetValue<string>())).ToList() ?? [];
        return (data["asset_id"]!.GetValue<string>(), new Uri(data["upload_url"]!.GetValue<string>()), headers);
    }

    public async Task CompleteAsync(string assetId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(apiBase, $"v3/assets/{assetId}/complete"))
        {
            Content = JsonContent.Create(new JsonObject()),
        };
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"direct-uploads complete: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }
}
