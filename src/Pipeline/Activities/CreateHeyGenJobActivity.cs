using HeyGen.Client;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Webhooks;
using HeyGenRender.Pipeline.Workflow;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.Pipeline.Activities;

/// <summary>
/// <see cref="RenderWorkflowNames.CreateHeyGenJob"/>: maps the stored spec to HeyGen's create call with
/// <c>callback_id</c> = instance id and an <c>Idempotency-Key</c> derived from it (so a re-run gets the same job),
/// and records the new id in <see cref="IHeyGenJobIndex"/>. A 429 or concurrency-limit answer comes back as
/// <see cref="CreateJobResult.RetryAfter"/> for a durable timer; other 4xx answers as a refusal; 5xx and transport
/// errors throw (the activity is retried).
/// </summary>
public sealed partial class CreateHeyGenJobActivity(RenderJobStore jobs, HeyGenClient heyGen, IHeyGenJobIndex jobIndex, ILogger<CreateHeyGenJobActivity> logger)
    : IRenderActivity<CreateJobInput, CreateJobResult>
{
    private static readonly TimeSpan s_defaultRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>The Idempotency-Key of a render's create call.</summary>
    public static string IdempotencyKeyFor(string instanceId) => $"{instanceId}-create";

    /// <inheritdoc />
    public async Task<CreateJobResult> RunAsync(CreateJobInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var spec = await jobs.ReadAsync(input.JobBlob, cancellationToken);
        var key = IdempotencyKeyFor(input.InstanceId);
        List<string> ids;
        try
        {
            ids = await CreateAsync(spec, input, key, cancellationToken);
        }
        catch (HeyGenException ex) when (ex.Status == 429 || ex.ErrorCode == HeyGenErrorCode.RateLimitExceeded || ex.ErrorCode == HeyGenErrorCode.ResourceLimitReached)
        {
            Log.Throttled(logger, input.InstanceId, ex.RetryAfter ?? s_defaultRetryAfter);
            return new CreateJobResult(null, null, ex.RetryAfter ?? s_defaultRetryAfter, null, null);
        }
        catch (HeyGenException ex) when (ex.ErrorCode == HeyGenErrorCode.RequestInProgress)
        {
            // A first attempt with the same key is still in flight: ask again shortly, it will replay its answer.
            return new CreateJobResult(null, null, TimeSpan.FromSeconds(5), null, null);
        }
        catch (HeyGenException ex) when (ex.Status is >= 400 and < 500 and not 408)
        {
            return new CreateJobResult(null, null, null, ex.ErrorCode?.ToString() ?? $"http_{ex.Status}", ex.Message);
        }

        foreach (var id in ids)
        {
            await jobIndex.RecordAsync(id, input.InstanceId, cancellationToken);
        }

        Log.Created(logger, input.InstanceId, ids[0]);
        return new CreateJobResult(ids[0], ids.Count > 1 ? ids[1..] : null, null, null, null);
    }

    private async Task<List<string>> CreateAsync(RenderJobSpec spec, CreateJobInput input, string key, CancellationToken ct)
    {
        var byPath = input.Assets.ToDictionary(a => a.Path, a => a.AssetId, StringComparer.Ordinal);
        AssetInput Asset(string path, AssetReference reference) =>
            reference.IsBlob ? AssetInput.FromAssetId(byPath[path]) : AssetInput.FromUrl(reference.Url!);

        var callbackId = input.InstanceId;
        switch (spec.Job)
        {
            case AvatarVideoJob avatar:
                var created = await heyGen.Videos.CreateAsync(Spoken(new AvatarVideoRequest
                {
                    AvatarId = avatar.LookId,
                    Engine = avatar.Engine is null ? null : new VideoEngine { Type = avatar.Engine },
                    Title = spec.Title,
                    CallbackId = callbackId,
                }, avatar, "avatar", Asset), key, ct);
                return [created.VideoId];
            case ImageVideoJob image:
                var createdImage = await heyGen.Videos.CreateAsync(Spoken(new ImageVideoRequest
                {
                    Image = Asset("image.image", image.Image),
                    Title = spec.Title,
                    CallbackId = callbackId,
                }, image, "image", Asset), key, ct);
                return [createdImage.VideoId];
            case VideoAgentJob agent:
                var session = await heyGen.VideoAgents.CreateAsync(new CreateVideoAgentRequest
                {
                    Prompt = agent.Prompt,
                    AvatarId = agent.AvatarId,
                    VoiceId = agent.VoiceId,
                    StyleId = agent.StyleId,
                    Orientation = agent.Orientation,
                    Files = agent.Files.Count == 0 ? null : [.. agent.Files.Select((f, i) => Asset($"video_agent.files[{i}]", f))],
                    CallbackId = callbackId,
                }, key, ct);
                return [session.SessionId];
            case VideoTranslationJob translation:
                var translations = await heyGen.VideoTranslations.CreateAsync(new CreateVideoTranslationRequest
                {
                    Video = Asset("translation.video", translation.Video),
                    OutputLanguages = translation.OutputLanguages,
                    InputLanguage = translation.InputLanguage,
                    Mode = translation.Mode,
                    EnableCaption = translation.Captions ? true : null,
                    Title = spec.Title,
                    CallbackId = callbackId,
                }, key, ct);
                return [.. translations.VideoTranslationIds];
            case LipsyncJob lipsync:
                var createdLipsync = await heyGen.Lipsyncs.CreateAsync(new CreateLipsyncRequest
                {
                    Video = Asset("lipsync.video", lipsync.Video),
                    Audio = Asset("lipsync.audio", lipsync.Audio),
                    Mode = lipsync.Mode,
                    EnableCaption = lipsync.Captions ? true : null,
                    Title = spec.Title,
                    CallbackId = callbackId,
                }, key, ct);
                return [createdLipsync.LipsyncId];
            default:
                throw new NotSupportedException($"Render kind {spec.Kind} is not supported.");
        }
    }

    private static T Spoken<T>(T request, SpokenVideoJob job, string section, Func<string, AssetReference, AssetInput> asset)
        where T : SpokenVideoRequest
    {
        var audio = job.Audio is null ? null : asset($"{section}.audio", job.Audio);
        return request with
        {
            Script = job.Script,
            VoiceId = job.VoiceId,
            AudioAssetId = audio?.AssetId,
            AudioUrl = audio?.Url,
            VoiceSettings = job.VoiceSettings is { } voice
                ? new VoiceSettings { Speed = voice.Speed, Pitch = voice.Pitch, Volume = voice.Volume, Locale = voice.Locale }
                : null,
            Resolution = job.Resolution,
            AspectRatio = job.AspectRatio,
            Background = job.Background switch
            {
                { Color: { } color } => new VideoBackground { Type = "color", Value = color },
                { Image: { } image } => asset($"{section}.background.image", image) is var bg && bg.AssetId is not null
                    ? new VideoBackground { Type = "image", AssetId = bg.AssetId }
                    : new VideoBackground { Type = "image", Url = bg.Url },
                _ => null,
            },
            Caption = job.Captions switch
            {
                CaptionMode.Sidecar => new VideoCaption { FileFormat = "srt" },
                CaptionMode.BurnedIn => new VideoCaption { FileFormat = "srt", Style = "default" },
                _ => null,
            },
        };
    }

    private static partial class Log
    {
        // HeyGen answers a repeat of a create (same Idempotency-Key) with the first job, and does not say it did: so the
        // line says what is known, that this is the render's job, not that it was made just now.
        [LoggerMessage(1, LogLevel.Information, "Render {InstanceId}: HeyGen job {HeyGenId} is the render's job (created by this call or by an earlier one with the same Idempotency-Key).")]
        public static partial void Created(ILogger logger, string instanceId, string heyGenId);

        [LoggerMessage(2, LogLevel.Information, "Render {InstanceId}: HeyGen is throttling creates; retry after {RetryAfter}.")]
        public static partial void Throttled(ILogger logger, string instanceId, TimeSpan retryAfter);
    }
}
