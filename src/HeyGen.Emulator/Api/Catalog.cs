using System.Text.Json.Nodes;

namespace HeyGen.Emulator.Api;

/// <summary>The fixed avatars, looks, voices, languages and event types the emulator offers.</summary>
internal static class Catalog
{
    public sealed record Group(string Id, string Name, string Gender, string VoiceId, int CreatedAt);

    public sealed record Look(string Id, string GroupId, string Name, string AvatarType, string Gender, string VoiceId, string Orientation);

    public sealed record Voice(string Id, string Name, string Language, string Gender);

    public static readonly IReadOnlyList<Group> Groups =
    [
        new("grp_emulator_anna", "Anna", "female", "voice_emulator_en_female", 1767225600),
        new("grp_emulator_ben", "Ben", "male", "voice_emulator_en_male", 1767225600),
        new("grp_emulator_chloe", "Chloe", "female", "voice_emulator_de_female", 1767225600),
    ];

    public static readonly IReadOnlyList<Look> Looks =
    [
        new("look_emulator_anna_office", "grp_emulator_anna", "Anna (office)", "studio_avatar", "female", "voice_emulator_en_female", "landscape"),
        new("look_emulator_anna_casual", "grp_emulator_anna", "Anna (casual)", "studio_avatar", "female", "voice_emulator_en_female", "portrait"),
        new("look_emulator_ben_studio", "grp_emulator_ben", "Ben (studio)", "digital_twin", "male", "voice_emulator_en_male", "landscape"),
        new("look_emulator_chloe_photo", "grp_emulator_chloe", "Chloe (photo)", "photo_avatar", "female", "voice_emulator_de_female", "square"),
    ];

    public static readonly IReadOnlyList<Voice> Voices =
    [
        new("voice_emulator_en_female", "Emma", "English", "female"),
        new("voice_emulator_en_male", "Liam", "English", "male"),
        new("voice_emulator_de_female", "Lena", "German", "female"),
        new("voice_emulator_es_male", "Mateo", "Spanish", "male"),
    ];

    public static readonly IReadOnlyList<string> Languages =
    [
        "English", "Spanish", "French", "German", "Italian", "Portuguese", "Dutch", "Polish", "Japanese", "Korean",
        "Chinese", "Hindi", "Arabic", "Turkish", "Russian", "Swedish",
    ];

    public static readonly IReadOnlyList<(string Type, string Description)> EventTypes =
    [
        ("avatar_video.success", "Avatar video completed successfully."),
        ("avatar_video.fail", "Avatar video generation failed."),
        ("avatar_video_gif.success", "Avatar video GIF generation completed."),
        ("avatar_video_gif.fail", "Avatar video GIF generation failed."),
        ("avatar_video_caption.success", "Avatar video caption generation completed."),
        ("avatar_video_caption.fail", "Avatar video caption generation failed."),
        ("video_translate.success", "Video translation completed."),
        ("video_translate.fail", "Video translation failed."),
        ("video_agent.success", "Video Agent session completed."),
        ("video_agent.fail", "Video Agent session failed."),
        ("personalized_video", "Personalized video event."),
        ("instant_avatar.success", "Instant avatar creation completed."),
        ("instant_avatar.fail", "Instant avatar creation failed."),
        ("photo_avatar_generation.success", "Photo avatar generation completed."),
        ("photo_avatar_generation.fail", "Photo avatar generation failed."),
        ("photo_avatar_train.success", "Photo avatar training completed."),
        ("photo_avatar_train.fail", "Photo avatar training failed."),
        ("photo_avatar_add_motion.success", "Photo avatar motion addition completed."),
        ("photo_avatar_add_motion.fail", "Photo avatar motion addition failed."),
        ("proofread_creation.success", "Proofread creation completed."),
        ("proofread_creation.fail", "Proofread creation failed."),
        ("live_avatar.success", "Live avatar session completed."),
        ("live_avatar.fail", "Live avatar session failed."),
    ];

    public static bool IsAvatar(string id) => Looks.Any(l => l.Id == id) || Groups.Any(g => g.Id == id);

    public static bool IsVoice(string id) => Voices.Any(v => v.Id == id);

    public static JsonObject GroupJson(Group g, string baseAddress) => new()
    {
        ["id"] = g.Id,
        ["name"] = g.Name,
        ["created_at"] = g.CreatedAt,
        ["looks_count"] = Looks.Count(l => l.GroupId == g.Id),
        ["gender"] = g.Gender,
        ["default_voice_id"] = g.VoiceId,
        ["preview_image_url"] = $"{baseAddress}/_static/{g.Id}.jpg",
        ["preview_video_url"] = null,
        ["status"] = "completed",
        ["consent_status"] = null,
        ["error"] = null,
    };

    public static JsonObject LookJson(Look l, string baseAddress) => new()
    {
        ["id"] = l.Id,
        ["name"] = l.Name,
        ["avatar_type"] = l.AvatarType,
        ["group_id"] = l.GroupId,
        ["gender"] = l.Gender,
        ["default_voice_id"] = l.VoiceId,
        ["preferred_orientation"] = l.Orientation,
        ["preview_image_url"] = $"{baseAddress}/_static/{l.Id}.jpg",
        ["preview_video_url"] = null,
        ["image_width"] = 1920,
        ["image_height"] = 1080,
        ["status"] = "completed",
        ["supported_api_engines"] = new JsonArray("avatar_iv", "avatar_v"),
        ["tags"] = new JsonArray(),
        ["error"] = null,
    };

    public static JsonObject VoiceJson(Voice v) => new()
    {
        ["voice_id"] = v.Id,
        ["name"] = v.Name,
        ["language"] = v.Language,
        ["gender"] = v.Gender,
        ["type"] = "public",
        ["support_pause"] = true,
        ["support_locale"] = false,
        ["preview_audio_url"] = null,
    };
}
