namespace HeyGen.Emulator.Api;

/// <summary>The request bodies of the emulated operations, field by field from heygen-cli-gen-operations.json.</summary>
internal static class Specs
{
    private static Field S(string name, int? max = null, bool required = false, int? min = null) =>
        new(name, FieldType.String) { Required = required, MaxLength = max, MinLength = min };

    private static Field E(string name, params string[] values) => new(name, FieldType.String) { Enum = values };

    private static Field B(string name) => new(name, FieldType.Boolean);

    private static Field N(string name, double? min = null, double? max = null) => new(name, FieldType.Number) { Min = min, Max = max };

    private static Field I(string name, double? min = null, double? max = null) => new(name, FieldType.Integer) { Min = min, Max = max };

    private static Field O(string name, ObjectSpec shape, bool required = false) => new(name, FieldType.Object) { Shape = shape, Required = required };

    private static Field A(string name, ObjectSpec? items = null, FieldType? itemType = null, int? maxItems = null, int? minItems = null, bool required = false) =>
        new(name, FieldType.Array) { Shape = items, ItemType = itemType, MaxItems = maxItems, MinItems = minItems, Required = required };

    /// <summary>url | asset_id | base64 file input.</summary>
    public static readonly ObjectSpec AnyAsset = ObjectSpec.ByType(new Dictionary<string, ObjectSpec>
    {
        ["url"] = new(S("type"), S("url", required: true)),
        ["asset_id"] = new(S("type"), S("asset_id", required: true)),
        ["base64"] = new(S("type"), S("media_type", required: true), S("data", required: true)),
    });

    /// <summary>url | asset_id input (translations, lipsyncs).</summary>
    public static readonly ObjectSpec UrlOrAsset = ObjectSpec.ByType(new Dictionary<string, ObjectSpec>
    {
        ["url"] = new(S("type"), S("url", required: true)),
        ["asset_id"] = new(S("type"), S("asset_id", required: true)),
    });

    private static readonly ObjectSpec s_voiceSettings = new(
        N("speed", 0.5, 1.5),
        N("pitch", -50, 50),
        N("volume", 0, 2),
        S("locale"),
        O("engine_settings", new ObjectSpec(
            S("engine_type", required: true),
            S("model"),
            N("similarity_boost"),
            N("stability"),
            N("style"),
            B("use_speaker_boost"),
            N("similarity"))));

    private static readonly ObjectSpec s_watermark = new(
        O("image", AnyAsset, required: true),
        N("opacity", 0, 1),
        N("scale"),
        O("placement", new ObjectSpec(N("offset_x"), N("offset_y"), E("position", "top_left", "top_right", "bottom_left", "bottom_right"))));

    private static Field[] VideoCommon() =>
    [
        S("type"),
        S("title"),
        E("resolution", "4k", "1080p", "720p"),
        E("aspect_ratio", "16:9", "9:16", "4:5", "5:4", "1:1", "auto"),
        O("background", new ObjectSpec(E("type", "color", "image") with { Required = true }, S("value"), S("url"), S("asset_id"))),
        B("remove_background"),
        S("callback_url"),
        S("callback_id"),
        S("script", max: 5000),
        S("voice_id"),
        S("audio_url"),
        S("audio_asset_id"),
        O("voice_settings", s_voiceSettings),
        S("motion_prompt"),
        E("expressiveness", "high", "medium", "low"),
        O("caption", new ObjectSpec(E("file_format", "srt"), E("style", "default"))),
        E("fit", "contain", "cover"),
        E("output_format", "mp4", "webm"),
        O("watermark", s_watermark),
    ];

    public static readonly ObjectSpec CreateVideo = ObjectSpec.ByType(new Dictionary<string, ObjectSpec>
    {
        ["avatar"] = new([.. VideoCommon(), S("avatar_id", required: true), O("engine", new ObjectSpec(S("type", required: true), S("reference_look_id")))]),
        ["image"] = new([.. VideoCommon(), O("image", AnyAsset, required: true)]),
        ["cinematic_avatar"] = new(
            S("type"),
            S("prompt", max: 10000, min: 1, required: true),
            A("avatar_id", itemType: FieldType.String, minItems: 1, maxItems: 3, required: true),
            E("aspect_ratio", "16:9", "9:16", "4:5", "5:4", "1:1", "auto"),
            B("auto_duration"),
            I("duration", 4, 15),
            B("enhance_prompt"),
            A("references", AnyAsset),
            E("resolution", "720p", "1080p"),
            S("title")),
    });

    public static readonly ObjectSpec CreateVideoAgent = new(
        S("prompt", max: 10000, min: 1, required: true),
        E("mode", "generate", "chat"),
        S("avatar_id"),
        S("voice_id"),
        S("style_id"),
        S("brand_kit_id"),
        E("orientation", "landscape", "portrait"),
        A("files", AnyAsset, maxItems: 20),
        S("callback_url"),
        S("callback_id"),
        B("incognito_mode"));

    public static readonly ObjectSpec AgentMessage = new(
        S("message", max: 10000, min: 1, required: true),
        S("avatar_id"),
        S("voice_id"),
        S("brand_kit_id"),
        A("files", AnyAsset, maxItems: 20));

    private static Field[] DubbingCommon() =>
    [
        O("video", UrlOrAsset, required: true),
        S("title"),
        S("callback_url"),
        S("callback_id"),
        B("disable_music_track"),
        B("enable_caption"),
        B("enable_dynamic_duration"),
        B("enable_speech_enhancement"),
        B("enable_watermark"),
        N("start_time", 0),
        N("end_time", 0),
        S("folder_id"),
        B("keep_the_same_format"),
        E("mode", "speed", "precision"),
    ];

    public static readonly ObjectSpec CreateTranslation = new(
    [
        .. DubbingCommon(),
        A("output_languages", itemType: FieldType.String, minItems: 1, required: true),
        O("audio", UrlOrAsset),
        S("brand_glossary_id"),
        S("brand_voice_id"),
        E("fps_mode", "vfr", "cfr", "passthrough"),
        S("input_language"),
        I("speaker_num", 1),
        O("srt", UrlOrAsset),
        E("srt_role", "input", "output"),
        O("stock_voice_config", new ObjectSpec(A("preferred_stock_voice_ids", itemType: FieldType.String), B("use_stock_voice"))),
        B("translate_audio_only"),
    ]);

    public static readonly ObjectSpec CreateLipsync = new([.. DubbingCommon(), O("audio", UrlOrAsset, required: true), S("fps_mode")]);

    public static readonly ObjectSpec UpdateTitle = new(S("title", required: true));

    public static readonly ObjectSpec DirectUpload = new(
        S("filename", required: true, min: 1),
        S("content_type", required: true, min: 1),
        I("size_bytes", 1) with { Required = true },
        S("checksum_sha256"));

    public static readonly ObjectSpec CompleteUpload = new(S("checksum_sha256"));

    public static readonly ObjectSpec CreateEndpoint = new(S("url", required: true), A("events", itemType: FieldType.String), S("entity_id"));

    public static readonly ObjectSpec UpdateEndpoint = new(S("url"), A("events", itemType: FieldType.String));
}
