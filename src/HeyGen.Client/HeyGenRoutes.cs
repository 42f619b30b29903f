using System.Globalization;
using System.Text;

namespace HeyGen.Client;

/// <summary>One HeyGen operation: HTTP method and path template, for example <c>GET /v3/videos/{video_id}</c>.</summary>
public sealed class HeyGenRoute
{
    internal HeyGenRoute(string method, string template)
    {
        Method = method;
        Template = template;
    }

    /// <summary>The HTTP method.</summary>
    public string Method { get; }

    /// <summary>The path template with <c>{name}</c> placeholders.</summary>
    public string Template { get; }

    /// <summary>Fills the placeholders in order, escaping each value.</summary>
    internal string Format(params ReadOnlySpan<string> values)
    {
        var builder = new StringBuilder(Template.Length + 32);
        var next = 0;
        for (var i = 0; i < Template.Length; i++)
        {
            var c = Template[i];
            if (c != '{')
            {
                builder.Append(c);
                continue;
            }

            var end = Template.IndexOf('}', i);
            if (next >= values.Length)
            {
                throw new InvalidOperationException($"Route {this} needs more values.");
            }

            var value = values[next++];
            ArgumentException.ThrowIfNullOrWhiteSpace(value, Template[(i + 1)..end]);
            builder.Append(Uri.EscapeDataString(value));
            i = end;
        }

        return builder.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Method} {Template}");
}

/// <summary>Every HeyGen route this client calls, in one place (a convention test checks them against the contract).</summary>
public static class HeyGenRoutes
{
#pragma warning disable CS1591 // The names say it: one field per operation.
    public static readonly HeyGenRoute UploadAsset = new("POST", "/v3/assets");
    public static readonly HeyGenRoute CreateDirectUpload = new("POST", "/v3/assets/direct-uploads");
    public static readonly HeyGenRoute CompleteDirectUpload = new("POST", "/v3/assets/{asset_id}/complete");
    public static readonly HeyGenRoute GetAsset = new("GET", "/v3/assets/{asset_id}");
    public static readonly HeyGenRoute ListAssets = new("GET", "/v3/assets");
    public static readonly HeyGenRoute DeleteAsset = new("DELETE", "/v3/assets/{asset_id}");

    public static readonly HeyGenRoute CreateVideo = new("POST", "/v3/videos");
    public static readonly HeyGenRoute GetVideo = new("GET", "/v3/videos/{video_id}");
    public static readonly HeyGenRoute ListVideos = new("GET", "/v3/videos");
    public static readonly HeyGenRoute DeleteVideo = new("DELETE", "/v3/videos/{video_id}");

    public static readonly HeyGenRoute CreateVideoAgent = new("POST", "/v3/video-agents");
    public static readonly HeyGenRoute GetVideoAgentSession = new("GET", "/v3/video-agents/{session_id}");
    public static readonly HeyGenRoute ListVideoAgentSessions = new("GET", "/v3/video-agents");
    public static readonly HeyGenRoute SendVideoAgentMessage = new("POST", "/v3/video-agents/{session_id}");
    public static readonly HeyGenRoute StopVideoAgentSession = new("POST", "/v3/video-agents/{session_id}/stop");
    public static readonly HeyGenRoute ListVideoAgentStyles = new("GET", "/v3/video-agents/styles");

    public static readonly HeyGenRoute CreateVideoTranslation = new("POST", "/v3/video-translations");
    public static readonly HeyGenRoute GetVideoTranslation = new("GET", "/v3/video-translations/{video_translation_id}");
    public static readonly HeyGenRoute ListVideoTranslations = new("GET", "/v3/video-translations");
    public static readonly HeyGenRoute UpdateVideoTranslation = new("PATCH", "/v3/video-translations/{video_translation_id}");
    public static readonly HeyGenRoute DeleteVideoTranslation = new("DELETE", "/v3/video-translations/{video_translation_id}");
    public static readonly HeyGenRoute ListVideoTranslationLanguages = new("GET", "/v3/video-translations/languages");
    public static readonly HeyGenRoute GetVideoTranslationCaption = new("GET", "/v3/video-translations/{video_translation_id}/caption");

    public static readonly HeyGenRoute CreateLipsync = new("POST", "/v3/lipsyncs");
    public static readonly HeyGenRoute GetLipsync = new("GET", "/v3/lipsyncs/{lipsync_id}");
    public static readonly HeyGenRoute ListLipsyncs = new("GET", "/v3/lipsyncs");
    public static readonly HeyGenRoute UpdateLipsync = new("PATCH", "/v3/lipsyncs/{lipsync_id}");
    public static readonly HeyGenRoute DeleteLipsync = new("DELETE", "/v3/lipsyncs/{lipsync_id}");

    public static readonly HeyGenRoute CreateWebhookEndpoint = new("POST", "/v3/webhooks/endpoints");
    public static readonly HeyGenRoute ListWebhookEndpoints = new("GET", "/v3/webhooks/endpoints");
    public static readonly HeyGenRoute UpdateWebhookEndpoint = new("PATCH", "/v3/webhooks/endpoints/{endpoint_id}");
    public static readonly HeyGenRoute DeleteWebhookEndpoint = new("DELETE", "/v3/webhooks/endpoints/{endpoint_id}");
    public static readonly HeyGenRoute RotateWebhookSecret = new("POST", "/v3/webhooks/endpoints/{endpoint_id}/rotate-secret");
    public static readonly HeyGenRoute ListWebhookEventTypes = new("GET", "/v3/webhooks/event-types");
    public static readonly HeyGenRoute ListWebhookEvents = new("GET", "/v3/webhooks/events");

    public static readonly HeyGenRoute GetCurrentUser = new("GET", "/v3/users/me");

    public static readonly HeyGenRoute ListAvatarGroups = new("GET", "/v3/avatars");
    public static readonly HeyGenRoute GetAvatarGroup = new("GET", "/v3/avatars/{group_id}");
    public static readonly HeyGenRoute ListAvatarLooks = new("GET", "/v3/avatars/looks");
    public static readonly HeyGenRoute GetAvatarLook = new("GET", "/v3/avatars/looks/{look_id}");

    public static readonly HeyGenRoute ListVoices = new("GET", "/v3/voices");
#pragma warning restore CS1591

    /// <summary>All routes above.</summary>
    public static IReadOnlyList<HeyGenRoute> All { get; } =
    [
        UploadAsset, CreateDirectUpload, CompleteDirectUpload, GetAsset, ListAssets, DeleteAsset,
        CreateVideo, GetVideo, ListVideos, DeleteVideo,
        CreateVideoAgent, GetVideoAgentSession, ListVideoAgentSessions, SendVideoAgentMessage, StopVideoAgentSession, ListVideoAgentStyles,
        CreateVideoTranslation, GetVideoTranslation, ListVideoTranslations, UpdateVideoTranslation, DeleteVideoTranslation,
        ListVideoTranslationLanguages, GetVideoTranslationCaption,
        CreateLipsync, GetLipsync, ListLipsyncs, UpdateLipsync, DeleteLipsync,
        CreateWebhookEndpoint, ListWebhookEndpoints, UpdateWebhookEndpoint, DeleteWebhookEndpoint, RotateWebhookSecret,
        ListWebhookEventTypes, ListWebhookEvents,
        GetCurrentUser,
        ListAvatarGroups, GetAvatarGroup, ListAvatarLooks, GetAvatarLook,
        ListVoices,
    ];
}
