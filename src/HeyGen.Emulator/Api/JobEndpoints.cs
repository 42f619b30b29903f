using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HeyGen.Emulator.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace HeyGen.Emulator.Api;

/// <summary>Videos, video agents, video translations and lipsyncs: create, get, list, update, delete.</summary>
internal static class JobEndpoints
{
    // Credits per second of output, from the enterprise price list (000_c97d32f0ba42ed9b.txt).
    private const decimal AvatarRate = 0.1m;
    private const decimal AvatarIIIRate = 0.0033m;
    private const decimal AgentRate = 0.0667m;
    private const decimal SpeedRate = 0.05m;
    private const decimal PrecisionRate = 0.1m;

    public static void Map(IEndpointRouteBuilder app, Store store)
    {
        app.MapPost("/v3/videos", async (HttpRequest request) => CreateVideo(store, await ReadAsync(request, Specs.CreateVideo).ConfigureAwait(false)));
        app.MapGet("/v3/videos", (HttpRequest request) =>
        {
            var title = request.Query["title"].ToString();
            var videos = store.ListJobs(JobKind.Video, j => title.Length == 0 || (j.Title?.Contains(title, StringComparison.OrdinalIgnoreCase) ?? false));
            return Paging.Page(request, videos, 10, 100, j => VideoJson(store, j));
        });
        app.MapGet("/v3/videos/{videoId}", (string videoId) => Envelope.Data(VideoJson(store, Video(store, videoId))));
        app.MapDelete("/v3/videos/{videoId}", (string videoId) =>
        {
            store.DeleteJob(Video(store, videoId));
            return Envelope.Data(new JsonObject { ["id"] = videoId, ["deleted"] = true });
        });

        app.MapPost("/v3/video-agents", async (HttpRequest request) => CreateAgent(store, await ReadAsync(request, Specs.CreateVideoAgent).ConfigureAwait(false)));
        app.MapGet("/v3/video-agents", (HttpRequest request) => Paging.Page(request, store.ListJobs(JobKind.AgentSession), 20, 100, s => new JsonObject
        {
            ["session_id"] = s.Id,
            ["title"] = s.Title,
            ["created_at"] = s.CreatedAt.ToUnixTimeSeconds(),
        }));
        app.MapGet("/v3/video-agents/styles", (HttpRequest request) => Paging.Page(request, new[] { "cinematic", "corporate", "playful" }, 20, 100, s => new JsonObject
        {
            ["style_id"] = "style_emulator_" + s,
            ["name"] = s,
        }));
        app.MapGet("/v3/video-agents/{sessionId}", (string sessionId) => Envelope.Data(SessionJson(store, Session(store, sessionId))));
        app.MapPost("/v3/video-agents/{sessionId}", async (string sessionId, HttpRequest request) =>
        {
            var body = await ReadAsync(request, Specs.AgentMessage).ConfigureAwait(false);
            var session = Session(store, sessionId);
            if (session.Mode != "chat")
            {
                throw ApiException.Invalid("session_id", "Follow-up messages are only valid for sessions created in chat mode.");
            }

            var message = body.GetProperty("message").GetString()!;
            store.Locked(() =>
            {
                session.Messages.Add(("user", message, store.Now));
                return 0;
            });
            return Envelope.Data(new JsonObject { ["session_id"] = session.Id, ["run_id"] = Store.NewId("run_"), ["title"] = session.Title });
        });
        app.MapPost("/v3/video-agents/{sessionId}/stop", (string sessionId) =>
        {
            var session = Session(store, sessionId);
            store.Locked(() => session.Stopped = true);
            return Envelope.Data(new JsonObject { ["session_id"] = session.Id });
        });
        app.MapGet("/v3/video-agents/{sessionId}/videos", (string sessionId, HttpRequest request) =>
        {
            var session = Session(store, sessionId);
            var videos = session.VideoIdVisibleAt(store.Now) && session.LinkedId is { } id && store.FindJob(id, JobKind.Video) is { } video ? [video] : new List<Job>();
            return Paging.Page(request, videos, 10, 100, j => VideoJson(store, j));
        });

        app.MapPost("/v3/video-translations", async (HttpRequest request) => CreateTranslations(store, await ReadAsync(request, Specs.CreateTranslation).ConfigureAwait(false)));
        app.MapGet("/v3/video-translations", (HttpRequest request) => Paging.Page(request, store.ListJobs(JobKind.Translation), 10, 100, j => TranslationJson(store, j)));
        app.MapGet("/v3/video-translations/languages", () => Envelope.Data(new JsonObject { ["languages"] = new JsonArray([.. Catalog.Languages.Select(l => (JsonNode)l)]) }));
        app.MapGet("/v3/video-translations/{id}", (string id) => Envelope.Data(TranslationJson(store, Translation(store, id))));
        MapRetitleAndDelete(app, store, "/v3/video-translations/{id}", Translation, TranslationJson);
        app.MapGet("/v3/video-translations/{id}/caption", (string id, HttpRequest request) =>
        {
            var job = Translation(store, id);
            var format = request.Query["format"].ToString();
            if (format is not ("srt" or "vtt"))
            {
                throw ApiException.Invalid("format", "format is required and must be one of: vtt, srt.");
            }

            if (job.StatusAt(store.Now) != "completed")
            {
                throw new ApiException(409, "resource_not_ready", "The video translation has not completed yet.");
            }

            return Envelope.Data(new JsonObject { ["caption_url"] = store.Urls.Download("translation", id, "captions." + format, store.Now + store.Options.DownloadUrlLifetime) });
        });

        app.MapPost("/v3/lipsyncs", async (HttpRequest request) => CreateLipsync(store, await ReadAsync(request, Specs.CreateLipsync).ConfigureAwait(false)));
        app.MapGet("/v3/lipsyncs", (HttpRequest request) => Paging.Page(request, store.ListJobs(JobKind.Lipsync), 10, 100, j => LipsyncJson(store, j)));
        app.MapGet("/v3/lipsyncs/{id}", (string id) => Envelope.Data(LipsyncJson(store, Lipsync(store, id))));
        MapRetitleAndDelete(app, store, "/v3/lipsyncs/{id}", Lipsync, LipsyncJson);
    }

    // PATCH (title) and DELETE of a job resource: translations and lipsyncs share the shape.
    private static void MapRetitleAndDelete(IEndpointRouteBuilder app, Store store, string route, Func<Store, string, Job> find, Func<Store, Job, JsonObject> toJson)
    {
        app.MapPatch(route, async (string id, HttpRequest request) =>
        {
            var body = await ReadAsync(request, Specs.UpdateTitle).ConfigureAwait(false);
            var job = find(store, id);
            store.Locked(() => job.Title = body.GetProperty("title").GetString());
            return Envelope.Data(toJson(store, job));
        });
        app.MapDelete(route, (string id) =>
        {
            store.DeleteJob(find(store, id));
            return Envelope.Data(new JsonObject { ["id"] = id });
        });
    }

    /// <summary>Parses and validates a JSON body against its documented fields.</summary>
    public static async Task<JsonElement> ReadAsync(HttpRequest request, ObjectSpec spec)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            throw ApiException.Invalid("body", "The request body is not valid JSON.");
        }

        using (document)
        {
            var root = document.RootElement.Clone();
            spec.Validate(root);
            return root;
        }
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Flag(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static IResult CreateVideo(Store store, JsonElement body)
    {
        var type = Text(body, "type")!;
        var script = Text(body, "script");
        var title = Text(body, "title");
        var prompt = Text(body, "prompt");
        double duration;
        var rate = AvatarRate;
        if (type == "cinematic_avatar")
        {
            foreach (var (look, i) in body.GetProperty("avatar_id").EnumerateArray().Select((l, i) => (l.GetString()!, i)))
            {
                if (!Catalog.IsAvatar(look))
                {
                    throw new ApiException(404, "avatar_not_found", $"No avatar look '{look}' was found.", $"avatar_id[{i}]");
                }
            }

            CheckAssets(store, body, "references");
            duration = body.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetInt32() : 10;
        }
        else
        {
            if (type == "avatar" && !Catalog.IsAvatar(Text(body, "avatar_id")!))
            {
                throw new ApiException(404, "avatar_not_found", $"No avatar was found with id '{Text(body, "avatar_id")}'.", "avatar_id");
            }

            if (type == "image")
            {
                CheckAsset(store, body.GetProperty("image"), "image");
            }

            var audio = Text(body, "audio_url") ?? Text(body, "audio_asset_id");
            if (script is not null && audio is not null)
            {
                throw ApiException.Invalid("script", "script is mutually exclusive with audio_url and audio_asset_id.");
            }

            if (script is null && audio is null)
            {
                throw ApiException.Invalid("script", "Provide a script or an audio_url / audio_asset_id.");
            }

            if (script is not null && string.IsNullOrWhiteSpace(script))
            {
                throw new ApiException(400, "tts_text_invalid", "The script is empty.", "script");
            }

            if (Text(body, "voice_id") is { } voice && !Catalog.IsVoice(voice))
            {
                throw new ApiException(404, "voice_not_found", $"No voice was found with id '{voice}'.", "voice_id");
            }

            if (Text(body, "audio_asset_id") is { } audioAsset && store.FindAsset(audioAsset) is not { Status: "ready" })
            {
                throw new ApiException(404, "asset_not_found", $"No asset '{audioAsset}' was found.", "audio_asset_id");
            }

            // About 15 characters of script per second of speech.
            duration = script is null ? 10 : Math.Max(1, Math.Round(script.Length / 15.0, 1));
            if (body.TryGetProperty("engine", out var engine) && engine.ValueKind == JsonValueKind.Object && Text(engine, "type") == "avatar_iii")
            {
                rate = AvatarIIIRate;
            }
        }

        duration = Markers.Duration(script, prompt, title) ?? duration;
        var (width, height) = Dimensions(Text(body, "aspect_ratio"));
        var job = NewJob(store, JobKind.Video, type, duration, rate, title, Text(body, "callback_url"), Text(body, "callback_id"), script ?? prompt, width, height, [script, prompt, title]);
        job = With(job, wantsCaptions: body.TryGetProperty("caption", out var caption) && caption.ValueKind == JsonValueKind.Object);
        AdmitAndAdd(store, 1, job.CreditsPerSecond * (decimal)job.DurationSeconds, job);
        return Envelope.Data(new JsonObject { ["video_id"] = job.Id, ["status"] = "pending", ["output_format"] = Text(body, "output_format") ?? "mp4" });
    }

    private static IResult CreateAgent(Store store, JsonElement body)
    {
        var prompt = Text(body, "prompt")!;
        CheckAssets(store, body, "files");
        if (Text(body, "avatar_id") is { } avatar && !Catalog.IsAvatar(avatar))
        {
            throw new ApiException(404, "avatar_not_found", $"No avatar was found with id '{avatar}'.", "avatar_id");
        }

        if (Text(body, "voice_id") is { } voice && !Catalog.IsVoice(voice))
        {
            throw new ApiException(404, "voice_not_found", $"No voice was found with id '{voice}'.", "voice_id");
        }

        var duration = Markers.Duration(prompt) ?? 30;
        var (width, height) = Text(body, "orientation") == "portrait" ? (144, 256) : (256, 144);
        var session = NewJob(store, JobKind.AgentSession, null, duration, AgentRate, null, Text(body, "callback_url"), Text(body, "callback_id"), prompt, width, height, [prompt]);
        session = With(session, mode: Text(body, "mode") ?? "generate");
        var video = NewJob(store, JobKind.Video, "video_agent", duration, AgentRate, null, null, null, prompt, width, height, [prompt]);
        session.LinkedId = video.Id;
        video.LinkedId = session.Id;
        session.Messages.Add(("user", prompt, store.Now));
        AdmitAndAdd(store, 1, AgentRate * (decimal)duration, video, session);
        return Envelope.Data(new JsonObject
        {
            ["session_id"] = session.Id,
            ["status"] = "thinking",
            ["video_id"] = null,
            ["created_at"] = session.CreatedAt.ToUnixTimeSeconds(),
        });
    }

    private static IResult CreateTranslations(Store store, JsonElement body)
    {
        CheckAsset(store, body.GetProperty("video"), "video");
        var languages = body.GetProperty("output_languages").EnumerateArray().Select(l => l.GetString()!).ToList();
        for (var i = 0; i < languages.Count; i++)
        {
            if (!Catalog.Languages.Contains(languages[i]))
            {
                throw ApiException.Invalid($"output_languages[{i}]", $"'{languages[i]}' is not a supported language; see GET /v3/video-translations/languages.");
            }
        }

        var precision = Text(body, "mode") == "precision";
        var rate = precision ? PrecisionRate : SpeedRate;
        var title = Text(body, "title");
        var duration = Markers.Duration(title) ?? 10;
        var jobs = languages.Select(language => With(
            NewJob(store, JobKind.Translation, precision ? "precision" : "speed", duration, rate, title, Text(body, "callback_url"), Text(body, "callback_id"), null, 256, 144, [title]),
            outputLanguage: language, inputLanguage: Text(body, "input_language") ?? "English", audioOnly: Flag(body, "translate_audio_only"), wantsCaptions: true)).ToArray();
        AdmitAndAdd(store, languages.Count, rate * (decimal)duration * languages.Count, jobs);
        var ids = new JsonArray([.. jobs.Select(j => (JsonNode)j.Id)]);

        return Envelope.Data(new JsonObject { ["video_translation_ids"] = ids });
    }

    private static IResult CreateLipsync(Store store, JsonElement body)
    {
        CheckAsset(store, body.GetProperty("video"), "video");
        CheckAsset(store, body.GetProperty("audio"), "audio");
        var precision = Text(body, "mode") == "precision";
        var title = Text(body, "title");
        var duration = Markers.Duration(title) ?? 10;
        var rate = precision ? PrecisionRate : SpeedRate;
        var job = NewJob(store, JobKind.Lipsync, precision ? "precision" : "speed", duration, rate, title, Text(body, "callback_url"), Text(body, "callback_id"), null, 256, 144, [title]);
        job = With(job, wantsCaptions: Flag(body, "enable_caption"));
        AdmitAndAdd(store, 0, rate * (decimal)duration, job);
        return Envelope.Data(new JsonObject { ["lipsync_id"] = job.Id });
    }

    // The limit check and the new jobs are one step: creates arriving together cannot all pass a check made before any was added.
    private static void AdmitAndAdd(Store store, int newJobs, decimal estimate, params Job[] jobs)
    {
        lock (store.AdmissionGate)
        {
            Admit(store, newJobs, estimate);
            foreach (var job in jobs)
            {
                store.AddJob(job);
            }
        }
    }

    private static void Admit(Store store, int newJobs, decimal estimate)
    {
        if (newJobs > 0 && store.ConcurrencyRetryAfter(newJobs) is { } retryAfter)
        {
            throw new ApiException(429, "rate_limit_exceeded", $"The limit of {store.Options.MaxConcurrentJobs} concurrent jobs is reached. Retry after {retryAfter} s.", null, retryAfter);
        }

        if (!store.CanAfford(estimate))
        {
            throw new ApiException(402, "insufficient_credit", $"Your account has {store.Credits.ToString("0.####", CultureInfo.InvariantCulture)} credits but this job requires {estimate.ToString("0.####", CultureInfo.InvariantCulture)} credits.");
        }
    }

    private static void CheckAssets(Store store, JsonElement body, string name)
    {
        if (body.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                CheckAsset(store, item, $"{name}[{i++}]");
            }
        }
    }

    private static void CheckAsset(Store store, JsonElement reference, string param)
    {
        if (Text(reference, "type") == "asset_id" && Text(reference, "asset_id") is { } id && store.FindAsset(id) is not { Status: "ready" })
        {
            throw new ApiException(404, "asset_not_found", $"No asset was found with id '{id}'. Complete the upload first.", param + ".asset_id");
        }
    }

    private static (int Width, int Height) Dimensions(string? aspect) => aspect switch
    {
        "9:16" => (144, 256),
        "1:1" => (160, 160),
        "4:5" => (128, 160),
        "5:4" => (160, 128),
        _ => (256, 144),
    };

    private static Job NewJob(Store store, JobKind kind, string? variant, double duration, decimal rate, string? title, string? callbackUrl, string? callbackId, string? script, int width, int height, string?[] markerSources)
    {
        var now = store.Now;
        var failure = Markers.Failure(markerSources);
        var prefix = kind switch
        {
            JobKind.AgentSession => "sess_",
            JobKind.Translation => "vt_",
            JobKind.Lipsync => "ls_",
            _ => "vid_",
        };
        return new Job
        {
            Id = Store.NewId(prefix),
            Kind = kind,
            Variant = variant,
            Title = title,
            CallbackUrl = callbackUrl,
            CallbackId = callbackId,
            CreatedAt = now,
            CompletesAt = now + store.Options.RenderDuration,
            DurationSeconds = duration,
            CreditsPerSecond = rate,
            FailureCode = failure?.Code,
            FailureMessage = failure?.Message,
            SyntheticSize = Markers.Size(markerSources),
            Script = script,
            Width = width,
            Height = height,
        };
    }

    private static Job With(Job job, string? mode = null, string? outputLanguage = null, string? inputLanguage = null, bool audioOnly = false, bool wantsCaptions = false) => new()
    {
        Id = job.Id,
        Kind = job.Kind,
        Variant = job.Variant,
        Title = job.Title,
        CallbackUrl = job.CallbackUrl,
        CallbackId = job.CallbackId,
        CreatedAt = job.CreatedAt,
        CompletesAt = job.CompletesAt,
        DurationSeconds = job.DurationSeconds,
        CreditsPerSecond = job.CreditsPerSecond,
        FailureCode = job.FailureCode,
        FailureMessage = job.FailureMessage,
        SyntheticSize = job.SyntheticSize,
        Script = job.Script,
        Width = job.Width,
        Height = job.Height,
        Mode = mode ?? job.Mode,
        OutputLanguage = outputLanguage,
        InputLanguage = inputLanguage,
        TranslateAudioOnly = audioOnly,
        WantsCaptions = wantsCaptions,
    };

    private static Job Video(Store store, string id) => store.FindJob(id, JobKind.Video) ?? throw ApiException.NotFound("video_not_found", $"Video '{id}'");

    private static Job Session(Store store, string id) => store.FindJob(id, JobKind.AgentSession) ?? throw ApiException.NotFound("resource_not_found", $"Video Agent session '{id}'");

    private static Job Translation(Store store, string id) => store.FindJob(id, JobKind.Translation) ?? throw ApiException.NotFound("video_not_found", $"Video translation '{id}'");

    private static Job Lipsync(Store store, string id) => store.FindJob(id, JobKind.Lipsync) ?? throw ApiException.NotFound("resource_not_found", $"Lipsync '{id}'");

    private static long? Unix(DateTimeOffset? at) => at?.ToUnixTimeSeconds();

    private static string Fresh(Store store, string kind, string id, string file) => store.Urls.Download(kind, id, file, store.Now + store.Options.DownloadUrlLifetime);

    public static JsonObject VideoJson(Store store, Job job)
    {
        var status = job.StatusAt(store.Now);
        var done = status == "completed";
        return new JsonObject
        {
            ["id"] = job.Id,
            ["title"] = job.Title,
            ["status"] = status,
            ["created_at"] = Unix(job.CreatedAt),
            ["completed_at"] = done ? Unix(job.CompletesAt) : null,
            ["video_url"] = done ? Fresh(store, "video", job.Id, "video.mp4") : null,
            ["thumbnail_url"] = done ? Fresh(store, "video", job.Id, "thumbnail.jpg") : null,
            ["gif_url"] = done ? Fresh(store, "video", job.Id, "preview.gif") : null,
            ["captioned_video_url"] = done && job.WantsCaptions ? Fresh(store, "video", job.Id, "captioned.mp4") : null,
            ["subtitle_url"] = done && job.WantsCaptions ? Fresh(store, "video", job.Id, "captions.srt") : null,
            ["duration"] = done ? job.DurationSeconds : null,
            ["folder_id"] = null,
            ["output_language"] = null,
            ["failure_code"] = status == "failed" ? job.FailureCode : null,
            ["failure_message"] = status == "failed" ? job.FailureMessage : null,
            ["video_page_url"] = $"{store.Urls.BaseAddress}/videos/{job.Id}",
        };
    }

    private static JsonObject SessionJson(Store store, Job session)
    {
        var now = store.Now;
        var status = session.StatusAt(now);
        var elapsed = session.CompletesAt == session.CreatedAt ? 1 : (now - session.CreatedAt) / (session.CompletesAt - session.CreatedAt);
        var messages = new JsonArray();
        foreach (var (role, content, at) in store.Locked(() => session.Messages.ToList()))
        {
            messages.Add(new JsonObject { ["role"] = role, ["type"] = "text", ["content"] = content, ["created_at"] = at.ToUnixTimeSeconds(), ["resource_ids"] = null });
        }

        if (status == "failed")
        {
            messages.Add(new JsonObject { ["role"] = "assistant", ["type"] = "error", ["content"] = session.FailureMessage, ["created_at"] = Unix(session.CompletesAt), ["resource_ids"] = null });
        }

        return new JsonObject
        {
            ["session_id"] = session.Id,
            ["status"] = status,
            ["progress"] = (int)Math.Clamp(Math.Floor(elapsed * 100), 0, 100),
            ["title"] = session.Title,
            ["video_id"] = session.VideoIdVisibleAt(now) ? session.LinkedId : null,
            ["created_at"] = Unix(session.CreatedAt),
            ["messages"] = messages,
        };
    }

    private static JsonObject TranslationJson(Store store, Job job)
    {
        var status = job.StatusAt(store.Now);
        var done = status == "completed";
        return new JsonObject
        {
            ["id"] = job.Id,
            ["title"] = job.Title,
            ["status"] = status,
            ["input_language"] = job.InputLanguage,
            ["output_language"] = job.OutputLanguage,
            ["translate_audio_only"] = job.TranslateAudioOnly,
            ["video_url"] = done && !job.TranslateAudioOnly ? Fresh(store, "translation", job.Id, "video.mp4") : null,
            ["audio_url"] = done && job.TranslateAudioOnly ? Fresh(store, "translation", job.Id, "audio.wav") : null,
            ["srt_caption_url"] = done ? Fresh(store, "translation", job.Id, "captions.srt") : null,
            ["vtt_caption_url"] = done ? Fresh(store, "translation", job.Id, "captions.vtt") : null,
            ["duration"] = done ? job.DurationSeconds : null,
            ["callback_id"] = job.CallbackId,
            ["created_at"] = Unix(job.CreatedAt),
            ["failure_message"] = status == "failed" ? job.FailureMessage : null,
        };
    }

    private static JsonObject LipsyncJson(Store store, Job job)
    {
        var status = job.StatusAt(store.Now);
        var done = status == "completed";
        return new JsonObject
        {
            ["id"] = job.Id,
            ["title"] = job.Title,
            ["status"] = status,
            ["video_url"] = done ? Fresh(store, "lipsync", job.Id, "video.mp4") : null,
            ["caption_url"] = done && job.WantsCaptions ? Fresh(store, "lipsync", job.Id, "captions.srt") : null,
            ["duration"] = done ? job.DurationSeconds : null,
            ["callback_id"] = job.CallbackId,
            ["created_at"] = Unix(job.CreatedAt),
            ["failure_message"] = status == "failed" ? job.FailureMessage : null,
        };
    }
}
