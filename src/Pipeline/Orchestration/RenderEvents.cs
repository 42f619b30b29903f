namespace HeyGenRender.Pipeline.Orchestration;

/// <summary>Names of the external events a render orchestration waits for.</summary>
public static class RenderEvents
{
    /// <summary>A verified HeyGen webhook for this render's job; the payload is a <c>WebhookNotification</c>.</summary>
    public const string HeyGenWebhook = "HeyGenWebhook";

    /// <summary>A request to cancel the render.</summary>
    public const string Cancel = "Cancel";
}
