using System.Text.Json;
using System.Text.Json.Nodes;
using HeyGen.Emulator.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace HeyGen.Emulator.Api;

/// <summary>The control API under <c>/_emulator</c> (no API key; loopback only): state, faults, reset.</summary>
internal static class ControlEndpoints
{
    public static void Map(IEndpointRouteBuilder app, Store store, EmulatorState state)
    {
        app.MapGet("/_emulator/state", () => Envelope.Json(200, new JsonObject
        {
            ["credit_balance"] = (double)state.CreditBalance,
            ["jobs_in_progress"] = state.JobsInProgress,
            ["deliveries_in_flight"] = state.DeliveriesInFlight,
            ["deliveries_scheduled"] = state.DeliveriesScheduled,
            ["jobs"] = new JsonArray([.. state.Jobs.Select(j => (JsonNode)new JsonObject
            {
                ["id"] = j.Id, ["kind"] = j.Kind, ["status"] = j.Status, ["callback_id"] = j.CallbackId,
                ["failure_code"] = j.FailureCode, ["credits_charged"] = (double)j.CreditsCharged,
            })]),
            ["assets"] = new JsonArray([.. state.Assets.Select(a => (JsonNode)new JsonObject
            {
                ["id"] = a.Id, ["status"] = a.Status, ["size_bytes"] = a.SizeBytes, ["mime_type"] = a.MimeType,
            })]),
            ["deliveries"] = new JsonArray([.. state.Deliveries.Select(d => (JsonNode)new JsonObject
            {
                ["event_id"] = d.EventId, ["event_type"] = d.EventType, ["url"] = d.Url, ["signed"] = d.Signed,
                ["attempt"] = d.Attempt, ["status_code"] = d.StatusCode, ["succeeded"] = d.Succeeded, ["at"] = d.At.ToString("O"),
            })]),
        }));
        app.MapGet("/_emulator/faults", () => Envelope.Json(200, new JsonObject
        {
            ["seed"] = store.Faults.Seed,
            ["rules"] = new JsonArray([.. store.Faults.Rules.Select(r => (JsonNode)new JsonObject
            {
                ["kind"] = r.Rule.Kind.ToString(), ["path_prefix"] = r.Rule.PathPrefix, ["method"] = r.Rule.Method,
                ["probability"] = r.Rule.Probability, ["count"] = r.Rule.Count, ["fired"] = r.Fired,
            })]),
        }));

        // Body: {"seed": 7, "rules": [{"kind": "ServerError", "status_code": 502, "count": 1, "path_prefix": "/v3/videos"}]}; replaces all rules.
        app.MapPut("/_emulator/faults", async (HttpRequest request) =>
        {
            using var document = await JsonDocument.ParseAsync(request.Body).ConfigureAwait(false);
            var root = document.RootElement;
            var rules = new List<FaultRule>();
            if (root.TryGetProperty("rules", out var list))
            {
                foreach (var item in list.EnumerateArray())
                {
                    var rule = new FaultRule
                    {
                        Kind = Enum.Parse<FaultKind>(item.GetProperty("kind").GetString()!, ignoreCase: true),
                        PathPrefix = item.TryGetProperty("path_prefix", out var p) ? p.GetString() : null,
                        Method = item.TryGetProperty("method", out var m) ? m.GetString() : null,
                    };
                    if (item.TryGetProperty("probability", out var pr))
                    {
                        rule.Probability = pr.GetDouble();
                    }

                    if (item.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number)
                    {
                        rule.Count = c.GetInt32();
                    }

                    if (item.TryGetProperty("status_code", out var s))
                    {
                        rule.StatusCode = s.GetInt32();
                    }

                    if (item.TryGetProperty("retry_after_seconds", out var ra))
                    {
                        rule.RetryAfterSeconds = ra.GetInt32();
                    }

                    if (item.TryGetProperty("delay_seconds", out var d))
                    {
                        rule.Delay = TimeSpan.FromSeconds(d.GetDouble());
                    }

                    rules.Add(rule);
                }
            }

            store.Faults.Clear(root.TryGetProperty("seed", out var seed) ? seed.GetInt32() : null);
            foreach (var rule in rules)
            {
                store.Faults.Add(rule);
            }

            return Results.NoContent();
        });
        app.MapDelete("/_emulator/faults", () =>
        {
            store.Faults.Clear();
            return Results.NoContent();
        });
        app.MapPost("/_emulator/reset", () =>
        {
            store.Reset();
            store.Faults.Clear();
            return Results.NoContent();
        });
    }
}
