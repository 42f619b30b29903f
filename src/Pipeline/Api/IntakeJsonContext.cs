using System.Text.Json.Serialization;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Webhooks;

namespace HeyGenRender.Pipeline.Api;

// Reading is case-insensitive: a RenderRequest's plan was written by the orchestration's serializer (camelCase, OrchestrationJson).
/// <summary>Source-generated serialization for the intake's own documents.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(RenderRequest))]
[JsonSerializable(typeof(WebhookNotification))]
[JsonSerializable(typeof(InboxErrorReport))]
internal sealed partial class IntakeJsonContext : JsonSerializerContext;
