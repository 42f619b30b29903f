using System.Text.Json.Serialization;

namespace HeyGenRender.Pipeline.Jobs;

/// <summary>
/// A parsed and validated job spec (<c>schemas/job-spec.v1.schema.json</c>): what to render, where the
/// output goes and how to wait. Produced by <see cref="RenderJobSpecParser"/>; exactly one kind-specific
/// <see cref="Job"/> is set, matching <see cref="Kind"/>.
/// </summary>
public sealed record RenderJobSpec
{
    /// <summary>The spec format version; always <see cref="CurrentVersion"/>.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The spec format version.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>What kind of render this is.</summary>
    public required RenderKind Kind { get; init; }

    /// <summary>A title shown in HeyGen's dashboard, if any.</summary>
    public string? Title { get; init; }

    /// <summary>The kind-specific part: an <see cref="AvatarVideoJob"/>, <see cref="ImageVideoJob"/>, <see cref="VideoAgentJob"/>, <see cref="VideoTranslationJob"/> or <see cref="LipsyncJob"/>.</summary>
    public required RenderJob Job { get; init; }

    /// <summary>Where the outputs go.</summary>
    public required OutputSpec Output { get; init; }

    /// <summary>How the render waits for HeyGen.</summary>
    public required WaitSpec Wait { get; init; }

    /// <summary>Every asset the job references, in document order, with its JSON path (for upload and existence checks).</summary>
    public IReadOnlyList<(string Path, AssetReference Asset)> Assets() => Job.Assets();
}

/// <summary>The kinds of render a job spec can ask for (JSON: <c>kind</c>).</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<RenderKind>))]
public enum RenderKind
{
    /// <summary><c>avatar</c>: an avatar look speaks a script (<c>POST /v3/videos</c>, <c>type: avatar</c>).</summary>
    Avatar,

    /// <summary><c>image</c>: an image is animated to speak a script (<c>POST /v3/videos</c>, <c>type: image</c>).</summary>
    Image,

    /// <summary><c>video_agent</c>: a video from a prompt (<c>POST /v3/video-agents</c>).</summary>
    VideoAgent,

    /// <summary><c>translation</c>: a video translated into other languages (<c>POST /v3/video-translations</c>).</summary>
    Translation,

    /// <summary><c>lipsync</c>: a video lip-synced to new audio (<c>POST /v3/lipsyncs</c>); HeyGen sends no webhook for it.</summary>
    Lipsync,
}

/// <summary>The kind-specific part of a job spec.</summary>
public abstract record RenderJob
{
    private protected RenderJob()
    {
    }

    /// <summary>Every asset this part references, with its JSON path such as <c>avatar.background.image</c>.</summary>
    public abstract IReadOnlyList<(string Path, AssetReference Asset)> Assets();
}

/// <summary>What an avatar or image video says: a script (with a voice) or an audio asset, never both.</summary>
public abstract record SpokenVideoJob : RenderJob
{
    /// <summary>The text to speak (at most 5,000 characters); null when <see cref="Audio"/> is set.</summary>
    public string? Script { get; init; }

    /// <summary>A voice id; for avatars null means the avatar's default voice.</summary>
    public string? VoiceId { get; init; }

    /// <summary>Audio to lip-sync instead of a script.</summary>
    public AssetReference? Audio { get; init; }

    /// <summary>A solid colour or an image behind the subject.</summary>
    public BackgroundSpec? Background { get; init; }

    /// <summary><c>4k</c>, <c>1080p</c> or <c>720p</c>; null for HeyGen's default.</summary>
    public string? Resolution { get; init; }

    /// <summary><c>16:9</c>, <c>9:16</c>, <c>4:5</c>, <c>5:4</c>, <c>1:1</c> or <c>auto</c>; null for HeyGen's default.</summary>
    public string? AspectRatio { get; init; }

    /// <summary>Voice tuning, if any.</summary>
    public VoiceSettingsSpec? VoiceSettings { get; init; }

    /// <summary>Whether captions are made, and burned in.</summary>
    public CaptionMode Captions { get; init; } = CaptionMode.None;

    /// <summary>The JSON name of this section (<c>avatar</c> or <c>image</c>).</summary>
    protected abstract string Section { get; }

    /// <inheritdoc />
    public override IReadOnlyList<(string Path, AssetReference Asset)> Assets()
    {
        var list = new List<(string, AssetReference)>();
        AddOwnAssets(list);
        if (Audio is not null)
        {
            list.Add(($"{Section}.audio", Audio));
        }

        if (Background?.Image is not null)
        {
            list.Add(($"{Section}.background.image", Background.Image));
        }

        return list;
    }

    /// <summary>Adds assets specific to the derived kind, first.</summary>
    private protected virtual void AddOwnAssets(List<(string, AssetReference)> list)
    {
    }
}

/// <summary>An avatar look speaks (v3 <c>type: avatar</c>).</summary>
public sealed record AvatarVideoJob : SpokenVideoJob
{
    /// <summary>The avatar look id (v3 <c>avatar_id</c>).</summary>
    public required string LookId { get; init; }

    /// <summary><c>avatar_iii</c>, <c>avatar_iv</c> or <c>avatar_v</c>; null for HeyGen's default (Avatar IV).</summary>
    public string? Engine { get; init; }

    /// <inheritdoc />
    protected override string Section => "avatar";
}

/// <summary>An image is animated to speak (v3 <c>type: image</c>); <see cref="SpokenVideoJob.VoiceId"/> is required with a script.</summary>
public sealed record ImageVideoJob : SpokenVideoJob
{
    /// <summary>The image to animate.</summary>
    public required AssetReference Image { get; init; }

    /// <inheritdoc />
    protected override string Section => "image";

    private protected override void AddOwnAssets(List<(string, AssetReference)> list) => list.Add(("image.image", Image));
}

/// <summary>A video from a prompt (<c>POST /v3/video-agents</c>).</summary>
public sealed record VideoAgentJob : RenderJob
{
    /// <summary>What the video should be (1–10,000 characters).</summary>
    public required string Prompt { get; init; }

    /// <summary>Attachments (at most 20).</summary>
    public IReadOnlyList<AssetReference> Files { get; init; } = [];

    /// <summary>A style id from <c>GET /v3/video-agents/styles</c>, if any.</summary>
    public string? StyleId { get; init; }

    /// <summary><c>landscape</c> or <c>portrait</c>; null to let HeyGen decide.</summary>
    public string? Orientation { get; init; }

    /// <summary>An avatar look id, or null to let the agent choose.</summary>
    public string? AvatarId { get; init; }

    /// <summary>A voice id, or null to let the agent choose.</summary>
    public string? VoiceId { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<(string Path, AssetReference Asset)> Assets() =>
        [.. Files.Select((f, i) => ($"video_agent.files[{i}]", f))];
}

/// <summary>A video translated into one or more languages (<c>POST /v3/video-translations</c>).</summary>
public sealed record VideoTranslationJob : RenderJob
{
    /// <summary>The source video.</summary>
    public required AssetReference Video { get; init; }

    /// <summary>Target language names as HeyGen lists them (for example <c>Spanish (Spain)</c>); at least one, no repeats.</summary>
    public required IReadOnlyList<string> OutputLanguages { get; init; }

    /// <summary>The source language, or null to detect it.</summary>
    public string? InputLanguage { get; init; }

    /// <summary><c>speed</c> (default) or <c>precision</c>.</summary>
    public string Mode { get; init; } = "speed";

    /// <summary>Whether captions are generated (v3 <c>enable_caption</c>).</summary>
    public bool Captions { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<(string Path, AssetReference Asset)> Assets() => [("translation.video", Video)];
}

/// <summary>A video lip-synced to new audio (<c>POST /v3/lipsyncs</c>); awaited by polling.</summary>
public sealed record LipsyncJob : RenderJob
{
    /// <summary>The source video.</summary>
    public required AssetReference Video { get; init; }

    /// <summary>The replacement audio.</summary>
    public required AssetReference Audio { get; init; }

    /// <summary><c>speed</c> (default) or <c>precision</c>.</summary>
    public string Mode { get; init; } = "speed";

    /// <summary>Whether captions are generated (v3 <c>enable_caption</c>).</summary>
    public bool Captions { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<(string Path, AssetReference Asset)> Assets() => [("lipsync.video", Video), ("lipsync.audio", Audio)];
}

/// <summary>A background: exactly one of a colour or an image.</summary>
/// <param name="Color">A hex colour such as <c>#1a2b3c</c> (v3 <c>type: color</c>).</param>
/// <param name="Image">An image (v3 <c>type: image</c>).</param>
public sealed record BackgroundSpec(string? Color, AssetReference? Image);

/// <summary>Voice tuning (v3 <c>voice_settings</c>); null members keep HeyGen's defaults.</summary>
/// <param name="Speed">0.5 to 1.5.</param>
/// <param name="Pitch">Semitones, -50 to 50.</param>
/// <param name="Volume">0 to 1.</param>
/// <param name="Locale">An accent hint such as <c>en-US</c>.</param>
public sealed record VoiceSettingsSpec(double? Speed, double? Pitch, double? Volume, string? Locale);

/// <summary>Captions for avatar and image videos (JSON <c>captions</c>).</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<CaptionMode>))]
public enum CaptionMode
{
    /// <summary><c>none</c>: no captions.</summary>
    None,

    /// <summary><c>sidecar</c>: an SRT file beside the video (v3 <c>caption: {file_format: srt}</c>).</summary>
    Sidecar,

    /// <summary><c>burned_in</c>: captions drawn into the video, plus the SRT (v3 <c>caption.style: default</c>).</summary>
    BurnedIn,
}

/// <summary>Where the outputs go: <c>{Container}/{Prefix}/video.mp4</c> and so on.</summary>
/// <param name="Container">The container (default <c>renders</c>).</param>
/// <param name="Prefix">The name prefix without a trailing slash; null means the render id.</param>
public sealed record OutputSpec(string Container, string? Prefix)
{
    /// <summary>The default output container.</summary>
    public const string DefaultContainer = "renders";

    /// <summary>The default: container <c>renders</c>, prefix = render id.</summary>
    public static OutputSpec Default { get; } = new(DefaultContainer, null);
}

/// <summary>How to wait for HeyGen to finish.</summary>
/// <param name="Mode">Webhook, poll, or auto (webhook with a polling safety net).</param>
/// <param name="Timeout">How long the render may take overall before it is given up.</param>
public sealed record WaitSpec(WaitMode Mode, TimeSpan Timeout)
{
    /// <summary>The default overall timeout.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromMinutes(120);

    /// <summary>The default: auto, 120 minutes.</summary>
    public static WaitSpec Default { get; } = new(WaitMode.Auto, DefaultTimeout);
}

/// <summary>How a render learns that HeyGen has finished (JSON <c>wait.mode</c>).</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<WaitMode>))]
public enum WaitMode
{
    /// <summary><c>auto</c>: webhook, with polling as a safety net (and polling alone for lipsyncs).</summary>
    Auto,

    /// <summary><c>webhook</c>: only signed webhooks (not allowed for lipsyncs).</summary>
    Webhook,

    /// <summary><c>poll</c>: only polling.</summary>
    Poll,
}
