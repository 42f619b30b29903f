using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace HeyGen.Emulator.Core;

/// <summary>All state of one emulator instance, guarded by one lock. Time comes only from the injected <see cref="TimeProvider"/>.</summary>
internal sealed class Store : IDisposable
{
    private readonly object _gate = new();
    private readonly List<Job> _jobs = [];
    private readonly Dictionary<string, Job> _jobsById = new(StringComparer.Ordinal);
    private readonly List<Asset> _assets = [];
    private readonly List<WebhookEndpoint> _endpoints = [];
    private readonly List<WebhookEvent> _events = [];
    private readonly Dictionary<string, IdempotencyRecord> _idempotency = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset WindowStart, int Count)> _rateWindows = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private decimal _credits;

    public Store(EmulatorOptions options, TimeProvider time, EmulatorFaults faults, string storageDirectory, ILogger logger)
    {
        Options = options;
        Time = time;
        Faults = faults;
        StorageDirectory = storageDirectory;
        _logger = logger;
        _credits = options.InitialCredits;
        Dispatcher = new WebhookDispatcher(time, options, faults, logger);
    }

    public EmulatorOptions Options { get; }

    public TimeProvider Time { get; }

    public EmulatorFaults Faults { get; }

    public string StorageDirectory { get; }

    public Urls Urls { get; } = new();

    public WebhookDispatcher Dispatcher { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public decimal Credits
    {
        get
        {
            FinalizeDue();
            lock (_gate)
            {
                return _credits;
            }
        }
    }

    public static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    // ---- jobs ----

    /// <summary>Jobs counted against the concurrency limit (HeyGen: agent sessions, avatar renders, translations).</summary>
    public int JobsInProgress()
    {
        FinalizeDue();
        lock (_gate)
        {
            return _jobs.Count(CountsAgainstLimit);
        }
    }

    /// <summary>Seconds until a slot frees up, when the limit is reached; null when a job may start.</summary>
    public int? ConcurrencyRetryAfter(int newJobs)
    {
        FinalizeDue();
        lock (_gate)
        {
            var running = _jobs.Where(CountsAgainstLimit).ToList();
            if (running.Count + newJobs <= Options.MaxConcurrentJobs)
            {
                return null;
            }

            var first = running.Count == 0 ? Now : running.Min(j => j.CompletesAt);
            return Math.Max(1, (int)Math.Ceiling((first - Now).TotalSeconds));
        }
    }

    /// <summary>Held while a create checks the limits and adds its jobs, so concurrent creates are admitted one at a time.</summary>
    public object AdmissionGate { get; } = new();

    public void AddJob(Job job)
    {
        lock (_gate)
        {
            _jobs.Add(job);
            _jobsById[job.Id] = job;
        }

        var due = job.CompletesAt - Now;
        if (due <= TimeSpan.Zero)
        {
            Finalize(job);
            return;
        }

        job.Timer = Time.CreateTimer(_ => Finalize(job), null, due, Timeout.InfiniteTimeSpan);
    }

    public Job? FindJob(string id, JobKind kind)
    {
        FinalizeDue();
        lock (_gate)
        {
            return _jobsById.TryGetValue(id, out var job) && job.Kind == kind && !job.Deleted ? job : null;
        }
    }

    public List<Job> ListJobs(JobKind kind, Func<Job, bool>? filter = null)
    {
        FinalizeDue();
        lock (_gate)
        {
            // Newest first, as HeyGen lists them.
            return _jobs.Where(j => j.Kind == kind && !j.Deleted && (filter is null || filter(j))).Reverse().ToList();
        }
    }

    public bool DeleteJob(Job job)
    {
        lock (_gate)
        {
            if (job.Deleted)
            {
                return false;
            }

            job.Deleted = true;
            return true;
        }
    }

    /// <summary>Finalizes every job whose time has come (the lazy side; the timers are the push side).</summary>
    public void FinalizeDue()
    {
        List<Job> due;
        var now = Now;
        lock (_gate)
        {
            due = _jobs.Where(j => !j.Finalized && j.IsDue(now)).ToList();
        }

        foreach (var job in due)
        {
            Finalize(job);
        }
    }

    private static bool CountsAgainstLimit(Job job) =>
        !job.Finalized && !job.Deleted && job.Kind is JobKind.Video or JobKind.AgentSession or JobKind.Translation
        && !(job.Kind == JobKind.Video && job.LinkedId is not null);

    private void Finalize(Job job)
    {
        lock (_gate)
        {
            if (job.Finalized)
            {
                return;
            }

            job.Finalized = true;
            job.Timer?.Dispose();
            if (!job.Failed)
            {
                // HeyGen charges completed jobs only, per second of output.
                _credits -= Charge(job);
            }
        }

        Log.JobFinished(_logger, job.Id, job.Failed ? "failed" : "completed");
        EmitJobEvent(job);
    }

    public static decimal Charge(Job job) => job.Kind == JobKind.Video && job.LinkedId is not null
        ? 0m // the agent session pays for its video
        : Math.Round(job.CreditsPerSecond * (decimal)job.DurationSeconds, 4);

    public decimal Charged(Job job)
    {
        lock (_gate)
        {
            return job.Finalized && !job.Failed ? Charge(job) : 0m;
        }
    }

    private void EmitJobEvent(Job job)
    {
        var data = new JsonObject();
        string type;
        var expires = Now + Options.DownloadUrlLifetime;
        switch (job.Kind)
        {
            case JobKind.Video when job.LinkedId is null:
                type = job.Failed ? "avatar_video.fail" : "avatar_video.success";
                data["video_id"] = job.Id;
                if (job.Failed)
                {
                    data["msg"] = job.FailureMessage;
                    data["failure_code"] = job.FailureCode;
                    data["failure_message"] = job.FailureMessage;
                }
                else
                {
                    data["url"] = Urls.Download("video", job.Id, "video.mp4", expires);
                    data["gif_download_url"] = Urls.Download("video", job.Id, "preview.gif", expires);
                    data["video_page_url"] = $"{Urls.BaseAddress}/videos/{job.Id}";
                    data["video_share_page_url"] = $"{Urls.BaseAddress}/share/{job.Id}";
                    data["folder_id"] = null;
                }

                break;
            case JobKind.AgentSession:
                type = job.Failed ? "video_agent.fail" : "video_agent.success";
                data["session_id"] = job.Id;
                data["video_id"] = job.LinkedId;
                if (job.Failed)
                {
                    data["msg"] = job.FailureMessage;
                    data["failure_code"] = job.FailureCode;
                    data["failure_message"] = job.FailureMessage;
                }
                else
                {
                    data["url"] = Urls.Download("video", job.LinkedId!, "video.mp4", expires);
                    data["video_page_url"] = $"{Urls.BaseAddress}/videos/{job.LinkedId}";
                }

                break;
            case JobKind.Translation:
                type = job.Failed ? "video_translate.fail" : "video_translate.success";
                data["video_translation_id"] = job.Id;
                data["output_language"] = job.OutputLanguage;
                if (job.Failed)
                {
                    data["msg"] = job.FailureMessage;
                    data["failure_message"] = job.FailureMessage;
                }
                else
                {
                    data["url"] = Urls.Download("translation", job.Id, "video.mp4", expires);
                }

                break;
            default:
                return; // HeyGen has no lipsync event; agent videos are announced by their session.
        }

        data["callback_id"] = job.CallbackId;
        Emit(type, job.Id, data, job.CallbackUrl);
    }

    /// <summary>Records an event and delivers it to subscribed endpoints (signed) and the callback URL (unsigned).</summary>
    public void Emit(string eventType, string entityId, JsonObject data, string? callbackUrl)
    {
        var now = Now;
        var eventId = NewId("evt_");
        var body = new JsonObject
        {
            ["event_id"] = eventId,
            ["event_type"] = eventType,
            ["event_data"] = data.DeepClone(),
            ["created_at"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        var evt = new WebhookEvent(eventId, eventType, entityId, data.ToJsonString(), body.ToJsonString(), now);
        List<WebhookEndpoint> targets;
        lock (_gate)
        {
            _events.Add(evt);
            targets = _endpoints.Where(e => !e.Deleted && e.Wants(eventType) && (e.EntityId is null || e.EntityId == entityId)).ToList();
        }

        foreach (var endpoint in targets)
        {
            Dispatcher.Dispatch(evt, endpoint.Url, () => CurrentSecret(endpoint), signed: true);
        }

        if (!string.IsNullOrEmpty(callbackUrl))
        {
            Dispatcher.Dispatch(evt, callbackUrl, () => null, signed: false);
        }
    }

    private string? CurrentSecret(WebhookEndpoint endpoint)
    {
        lock (_gate)
        {
            return endpoint.Deleted ? null : endpoint.Secret;
        }
    }

    public List<WebhookEvent> ListEvents(string? eventType, string? entityId)
    {
        FinalizeDue();
        lock (_gate)
        {
            return _events.Where(e => (eventType is null || e.EventType == eventType) && (entityId is null || e.EntityId == entityId))
                .Reverse().ToList();
        }
    }

    // ---- assets ----

    public void AddAsset(Asset asset)
    {
        lock (_gate)
        {
            _assets.Add(asset);
        }
    }

    public Asset? FindAsset(string id)
    {
        lock (_gate)
        {
            return _assets.FirstOrDefault(a => a.Id == id && !a.Deleted);
        }
    }

    public List<Asset> ListAssets()
    {
        lock (_gate)
        {
            return _assets.Where(a => !a.Deleted && a.Status == "ready").Reverse().ToList();
        }
    }

    /// <summary>Runs <paramref name="action"/> under the state lock (for small read-modify-write steps).</summary>
    public T Locked<T>(Func<T> action)
    {
        lock (_gate)
        {
            return action();
        }
    }

    // ---- webhook endpoints ----

    public WebhookEndpoint AddEndpoint(string url, IReadOnlyList<string>? events, string? entityId)
    {
        var endpoint = new WebhookEndpoint { Id = NewId("ep_"), Url = url, Events = events, EntityId = entityId, Secret = NewSecret(), CreatedAt = Now };
        lock (_gate)
        {
            _endpoints.Add(endpoint);
        }

        return endpoint;
    }

    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public WebhookEndpoint? FindEndpoint(string id)
    {
        lock (_gate)
        {
            return _endpoints.FirstOrDefault(e => e.Id == id && !e.Deleted);
        }
    }

    public List<WebhookEndpoint> ListEndpoints()
    {
        lock (_gate)
        {
            return _endpoints.Where(e => !e.Deleted).Reverse().ToList();
        }
    }

    public bool UrlRegistered(string url, string? exceptId)
    {
        lock (_gate)
        {
            return _endpoints.Any(e => !e.Deleted && e.Id != exceptId && string.Equals(e.Url, url, StringComparison.Ordinal));
        }
    }

    // ---- credits ----

    public bool CanAfford(decimal estimate)
    {
        FinalizeDue();
        lock (_gate)
        {
            return _credits >= estimate;
        }
    }

    // ---- idempotency and rate limits ----

    /// <summary>Looks up or claims <paramref name="key"/>: returns the existing record, or null after claiming it.</summary>
    public IdempotencyRecord? ClaimIdempotencyKey(string key, string bodyHash, out IdempotencyRecord claimed)
    {
        var now = Now;
        lock (_gate)
        {
            if (_idempotency.TryGetValue(key, out var existing) && now - existing.CreatedAt < TimeSpan.FromHours(24))
            {
                claimed = existing;
                return existing;
            }

            claimed = new IdempotencyRecord { BodyHash = bodyHash, CreatedAt = now };
            _idempotency[key] = claimed;
            return null;
        }
    }

    public void ReleaseIdempotencyKey(string key, IdempotencyRecord record)
    {
        lock (_gate)
        {
            if (_idempotency.TryGetValue(key, out var current) && ReferenceEquals(current, record))
            {
                _idempotency.Remove(key);
            }
        }
    }

    /// <summary>Counts a request against the per-key minute window; returns Retry-After seconds when over the limit.</summary>
    public int? CountRequest(string apiKey)
    {
        if (Options.RateLimitPerMinute <= 0)
        {
            return null;
        }

        var now = Now;
        lock (_gate)
        {
            var window = _rateWindows.TryGetValue(apiKey, out var w) && now - w.WindowStart < TimeSpan.FromMinutes(1) ? w : (now, 0);
            if (window.Item2 >= Options.RateLimitPerMinute)
            {
                _rateWindows[apiKey] = window;
                return Math.Max(1, (int)Math.Ceiling((window.Item1 + TimeSpan.FromMinutes(1) - now).TotalSeconds));
            }

            _rateWindows[apiKey] = (window.Item1, window.Item2 + 1);
            return null;
        }
    }

    // ---- snapshots ----

    public List<EmulatedJob> SnapshotJobs()
    {
        FinalizeDue();
        var now = Now;
        lock (_gate)
        {
            return _jobs.Where(j => !j.Deleted).Select(j => new EmulatedJob(
                j.Id,
                j.Kind switch
                {
                    JobKind.AgentSession => "video_agent",
                    JobKind.Translation => "video_translation",
                    JobKind.Lipsync => "lipsync",
                    _ => "video",
                },
                j.StatusAt(now),
                j.CallbackId,
                j.FailureCode,
                j.Finalized && !j.Failed ? Charge(j) : 0m)).ToList();
        }
    }

    public List<EmulatedAsset> SnapshotAssets()
    {
        lock (_gate)
        {
            return _assets.Where(a => !a.Deleted).Select(a => new EmulatedAsset(a.Id, a.Status, a.SizeBytes, a.DetectedMimeType)).ToList();
        }
    }

    /// <summary>Forgets every job, asset, endpoint, event and key; refills the wallet.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            foreach (var job in _jobs)
            {
                job.Timer?.Dispose();
            }

            _jobs.Clear();
            _jobsById.Clear();
            _assets.Clear();
            _endpoints.Clear();
            _events.Clear();
            _idempotency.Clear();
            _rateWindows.Clear();
            _credits = Options.InitialCredits;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var job in _jobs)
            {
                job.Timer?.Dispose();
            }
        }

        Dispatcher.Dispose();
    }
}
