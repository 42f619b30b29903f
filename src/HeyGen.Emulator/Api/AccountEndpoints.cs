using System.Globalization;
using System.Text.Json.Nodes;
using HeyGen.Emulator.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace HeyGen.Emulator.Api;

/// <summary>Webhook endpoints and events, users/me, avatars, looks and voices.</summary>
internal static class AccountEndpoints
{
    public static void Map(IEndpointRouteBuilder app, Store store)
    {
        app.MapGet("/v3/users/me", () => Envelope.Data(new JsonObject
        {
            ["username"] = "emulator-user",
            ["email"] = "emulator@example.invalid",
            ["first_name"] = "HeyGen",
            ["last_name"] = "Emulator",
            ["billing_type"] = "wallet",
            ["wallet"] = new JsonObject
            {
                ["currency"] = "credits",
                ["remaining_balance"] = (double)store.Credits,
                ["auto_reload"] = new JsonObject { ["enabled"] = false, ["threshold_usd"] = null, ["amount_usd"] = null },
            },
            ["subscription"] = null,
            ["usage_based"] = null,
        }));

        app.MapGet("/v3/avatars", (HttpRequest request) => Paging.Page(request, Catalog.Groups, 20, 50, g => Catalog.GroupJson(g, store.Urls.BaseAddress)));
        app.MapGet("/v3/avatars/looks", (HttpRequest request) =>
        {
            var group = request.Query["group_id"].ToString();
            var looks = Catalog.Looks.Where(l => group.Length == 0 || l.GroupId == group).ToList();
            return Paging.Page(request, looks, 20, 50, l => Catalog.LookJson(l, store.Urls.BaseAddress));
        });
        app.MapGet("/v3/avatars/looks/{lookId}", (string lookId) =>
            Envelope.Data(Catalog.LookJson(Catalog.Looks.FirstOrDefault(l => l.Id == lookId) ?? throw ApiException.NotFound("avatar_not_found", $"Avatar look '{lookId}'"), store.Urls.BaseAddress)));
        app.MapGet("/v3/avatars/{groupId}", (string groupId) =>
            Envelope.Data(Catalog.GroupJson(Catalog.Groups.FirstOrDefault(g => g.Id == groupId) ?? throw ApiException.NotFound("avatar_not_found", $"Avatar group '{groupId}'"), store.Urls.BaseAddress)));
        app.MapGet("/v3/voices", (HttpRequest request) =>
        {
            var language = request.Query["language"].ToString();
            var gender = request.Query["gender"].ToString();
            var voices = Catalog.Voices.Where(v => (language.Length == 0 || v.Language.Equals(language, StringComparison.OrdinalIgnoreCase))
                && (gender.Length == 0 || v.Gender.Equals(gender, StringComparison.OrdinalIgnoreCase))).ToList();
            return Paging.Page(request, voices, 20, 100, Catalog.VoiceJson);
        });

        app.MapGet("/v3/webhooks/event-types", () => Envelope.Page(
            Catalog.EventTypes.Select(t => (JsonNode)new JsonObject { ["event_type"] = t.Type, ["description"] = t.Description }), false, null));
        app.MapGet("/v3/webhooks/events", (HttpRequest request) =>
        {
            var type = request.Query["event_type"].ToString();
            if (type.Length > 0 && !Catalog.EventTypes.Any(t => t.Type == type))
            {
                throw ApiException.Invalid("event_type", $"Unknown event_type '{type}'.");
            }

            var entity = request.Query["entity_id"].ToString();
            var events = store.ListEvents(type.Length == 0 ? null : type, entity.Length == 0 ? null : entity);
            return Paging.Page(request, events, 10, 100, e => new JsonObject
            {
                ["event_id"] = e.EventId,
                ["event_type"] = e.EventType,
                ["event_data"] = JsonNode.Parse(e.EventDataJson),
                ["created_at"] = e.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            });
        });
        app.MapGet("/v3/webhooks/endpoints", (HttpRequest request) => Paging.Page(request, store.ListEndpoints(), 10, 100, e => EndpointJson(e, null)));
        app.MapPost("/v3/webhooks/endpoints", async (HttpRequest request) =>
        {
            var body = await JobEndpoints.ReadAsync(request, Specs.CreateEndpoint).ConfigureAwait(false);
            var url = CheckUrl(body.GetProperty("url").GetString()!);
            if (store.UrlRegistered(url, null))
            {
                throw new ApiException(409, "conflict", "A webhook endpoint with this URL is already registered.", "url");
            }

            var events = Events(body);
            var entity = body.TryGetProperty("entity_id", out var e) && e.ValueKind == System.Text.Json.JsonValueKind.String ? e.GetString() : null;
            var endpoint = store.AddEndpoint(url, events, entity);
            return Envelope.Data(EndpointJson(endpoint, endpoint.Secret));
        });
        app.MapPatch("/v3/webhooks/endpoints/{endpointId}", async (string endpointId, HttpRequest request) =>
        {
            var body = await JobEndpoints.ReadAsync(request, Specs.UpdateEndpoint).ConfigureAwait(false);
            var endpoint = Endpoint(store, endpointId);
            if (body.TryGetProperty("url", out var u) && u.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                var url = CheckUrl(u.GetString()!);
                if (store.UrlRegistered(url, endpointId))
                {
                    throw new ApiException(409, "conflict", "A webhook endpoint with this URL is already registered.", "url");
                }

                store.Locked(() => endpoint.Url = url);
            }

            if (body.TryGetProperty("events", out _))
            {
                var events = Events(body);
                store.Locked(() => endpoint.Events = events);
            }

            return Envelope.Data(EndpointJson(endpoint, null));
        });
        app.MapDelete("/v3/webhooks/endpoints/{endpointId}", (string endpointId) =>
        {
            var endpoint = Endpoint(store, endpointId);
            store.Locked(() => endpoint.Deleted = true);
            return Envelope.Data(new JsonObject());
        });
        app.MapPost("/v3/webhooks/endpoints/{endpointId}/rotate-secret", (string endpointId) =>
        {
            var endpoint = Endpoint(store, endpointId);
            var secret = Store.NewSecret();
            store.Locked(() => endpoint.Secret = secret); // the old secret stops working at once
            return Envelope.Data(new JsonObject { ["endpoint_id"] = endpoint.Id, ["secret"] = secret });
        });
    }

    private static WebhookEndpoint Endpoint(Store store, string id) => store.FindEndpoint(id) ?? throw ApiException.NotFound("webhook_not_found", $"Webhook endpoint '{id}'");

    private static string CheckUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? url
            : throw ApiException.Invalid("url", "url must be an absolute http(s) URL.");

    private static List<string>? Events(System.Text.Json.JsonElement body)
    {
        if (!body.TryGetProperty("events", out var events) || events.ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            return null;
        }

        var list = events.EnumerateArray().Select(e => e.GetString()!).ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!Catalog.EventTypes.Any(t => t.Type == list[i]))
            {
                throw ApiException.Invalid($"events[{i}]", $"Unknown event type '{list[i]}'; see GET /v3/webhooks/event-types.");
            }
        }

        return list;
    }

    private static JsonObject EndpointJson(WebhookEndpoint e, string? secret) => new()
    {
        ["endpoint_id"] = e.Id,
        ["url"] = e.Url,
        ["events"] = e.Events is null ? null : new JsonArray([.. e.Events.Select(x => (JsonNode)x)]),
        ["status"] = "enabled",
        ["created_at"] = e.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["secret"] = secret,
    };
}
