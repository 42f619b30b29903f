using System.Text.Json;
using System.Text.Json.Serialization;
using HeyGen.Client.Internal;

namespace HeyGen.Client.Serialization;

/// <summary>The source-generated serializer for every wire type.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = false,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CreateVideoRequest))]
[JsonSerializable(typeof(CreateDirectUploadRequest))]
[JsonSerializable(typeof(CompleteUploadBody))]
[JsonSerializable(typeof(EmptyBody))]
[JsonSerializable(typeof(WireError))]
[JsonSerializable(typeof(CreateVideoAgentRequest))]
[JsonSerializable(typeof(SendVideoAgentMessageRequest))]
[JsonSerializable(typeof(CreateVideoTranslationRequest))]
[JsonSerializable(typeof(UpdateTitleRequest))]
[JsonSerializable(typeof(CreateLipsyncRequest))]
[JsonSerializable(typeof(CreateWebhookEndpointRequest))]
[JsonSerializable(typeof(UpdateWebhookEndpointRequest))]
[JsonSerializable(typeof(HeyGenAsset))]
[JsonSerializable(typeof(List<HeyGenAsset>))]
[JsonSerializable(typeof(DirectUpload))]
[JsonSerializable(typeof(CreatedVideo))]
[JsonSerializable(typeof(VideoDetail))]
[JsonSerializable(typeof(List<VideoDetail>))]
[JsonSerializable(typeof(DeleteResult))]
[JsonSerializable(typeof(VideoAgentSession))]
[JsonSerializable(typeof(VideoAgentSessionDetail))]
[JsonSerializable(typeof(List<VideoAgentSessionDetail>))]
[JsonSerializable(typeof(VideoAgentMessageResult))]
[JsonSerializable(typeof(List<VideoAgentStyle>))]
[JsonSerializable(typeof(CreatedVideoTranslations))]
[JsonSerializable(typeof(VideoTranslation))]
[JsonSerializable(typeof(List<VideoTranslation>))]
[JsonSerializable(typeof(VideoTranslationCaption))]
[JsonSerializable(typeof(VideoTranslationLanguages))]
[JsonSerializable(typeof(CreatedLipsync))]
[JsonSerializable(typeof(Lipsync))]
[JsonSerializable(typeof(List<Lipsync>))]
[JsonSerializable(typeof(WebhookEndpoint))]
[JsonSerializable(typeof(List<WebhookEndpoint>))]
[JsonSerializable(typeof(WebhookSecretRotation))]
[JsonSerializable(typeof(List<WebhookEventTypeInfo>))]
[JsonSerializable(typeof(List<WebhookEventRecord>))]
[JsonSerializable(typeof(HeyGenUser))]
[JsonSerializable(typeof(AvatarGroup))]
[JsonSerializable(typeof(List<AvatarGroup>))]
[JsonSerializable(typeof(AvatarLook))]
[JsonSerializable(typeof(List<AvatarLook>))]
[JsonSerializable(typeof(List<Voice>))]
[JsonSerializable(typeof(AvatarVideoEventData))]
[JsonSerializable(typeof(VideoAgentEventData))]
[JsonSerializable(typeof(VideoTranslateEventData))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class HeyGenJsonContext : JsonSerializerContext;
