using System.Text.Json.Serialization;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Webhooks;

namespace HeyGenRender.Pipeline.Api;

/// <summary>Source-generated serialization for the intake's own documents.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RenderRequest))]
[JsonSerializable(typeof(WebhookNotification))]
[JsonSerializable(typeof(InboxErrorReport))]
internal sealed partial class IntakeJsonContext : JsonSerializerContext;
