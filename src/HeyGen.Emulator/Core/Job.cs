namespace HeyGen.Emulator.Core;

/// <summary>What a job produces and how its status is worded.</summary>
internal enum JobKind
{
    Video,
    AgentSession,
    Translation,
    Lipsync,
}

/// <summary>
/// One asynchronous HeyGen job. Its status is derived from timestamps on every read (lazy), and a timer finalizes it
/// at <see cref="CompletesAt"/> (push side: credits, webhooks), so both polling and manual time work.
/// </summary>
internal sealed class Job
{
    public required string Id { get; init; }

    public required JobKind Kind { get; init; }

    /// <summary>avatar | image | cinematic_avatar for videos; speed | precision for translations and lipsyncs.</summary>
    public string? Variant { get; init; }

    public string? Title { get; set; }

    public string? CallbackUrl { get; init; }

    public string? CallbackId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset CompletesAt { get; init; }

    public required double DurationSeconds { get; init; }

    public required decimal CreditsPerSecond { get; init; }

    public string? FailureCode { get; init; }

    public string? FailureMessage { get; init; }

    /// <summary>When set, the video download is a synthetic MP4 of exactly this many bytes.</summary>
    public long? SyntheticSize { get; init; }

    public int Width { get; init; } = 256;

    public int Height { get; init; } = 144;

    public string? Script { get; init; }

    public string? InputLanguage { get; init; }

    public string? OutputLanguage { get; init; }

    public bool TranslateAudioOnly { get; init; }

    public bool WantsCaptions { get; init; }

    /// <summary>For agent sessions: the video the session renders; for agent videos: the session.</summary>
    public string? LinkedId { get; set; }

    public string Mode { get; init; } = "generate";

    public List<(string Role, string Content, DateTimeOffset At)> Messages { get; } = [];

    public bool Stopped { get; set; }

    public bool Finalized { get; set; }

    public bool Deleted { get; set; }

    public ITimer? Timer { get; set; }

    public bool Failed => FailureCode is not null;

    public bool IsDue(DateTimeOffset now) => now >= CompletesAt;

    /// <summary>The job's status at <paramref name="now"/> in the vocabulary of its API.</summary>
    public string StatusAt(DateTimeOffset now)
    {
        if (IsDue(now))
        {
            return Failed ? "failed" : "completed";
        }

        var started = now >= CreatedAt + ((CompletesAt - CreatedAt) / 10);
        return Kind switch
        {
            JobKind.AgentSession => VideoIdVisibleAt(now) ? "generating" : "thinking",
            JobKind.Translation or JobKind.Lipsync => started ? "running" : "pending",
            _ => started ? "processing" : "pending",
        };
    }

    /// <summary>An agent session assigns its video_id a fifth of the way through.</summary>
    public bool VideoIdVisibleAt(DateTimeOffset now) => now >= CreatedAt + ((CompletesAt - CreatedAt) / 5);
}
