using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace HeyGenRender.Benchmarks.Harness;

/// <summary>Starts renders on <c>serve</c> and reads their status, as a user of the HTTP API would.</summary>
internal sealed class RenderClient(HttpClient http, Uri serve)
{
    /// <summary>An avatar job spec (no assets), waiting by <paramref name="waitMode"/>.</summary>
    public static string AvatarSpec(string title, string waitMode, string container = "renders", int timeoutMinutes = 60) => $$"""
        {
          "version": 1,
          "kind": "avatar",
          "title": "{{title}}",
          "avatar": {
            "look_id": "look_emulator_anna_office",
            "script": "Hello! This is a benchmark render of the pipeline.",
            "resolution": "720p",
            "aspect_ratio": "16:9"
          },
          "output": { "container": "{{container}}" },
          "wait": { "mode": "{{waitMode}}", "timeout_minutes": {{timeoutMinutes}} }
        }
        """;

    public async Task<string> StartAsync(string spec, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(serve, "api/renders"))
        {
            Content = new StringContent(spec, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /api/renders: {(int)response.StatusCode} {body}");
        }

        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    /// <summary>The render's status JSON (<c>status</c>: running, completed, failed, …).</summary>
    public async Task<JsonNode> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await http.GetFromJsonAsync<JsonNode>(new Uri(serve, "api/renders/" + id), cancellationToken))!;
}
