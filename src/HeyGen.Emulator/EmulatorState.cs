namespace HeyGen.Emulator;

/// <summary>A job as the emulator sees it now.</summary>
/// <param name="Id">The id HeyGen would return (video_id, session_id, video_translation_id, lipsync_id).</param>
/// <param name="Kind">video | video_agent | video_translation | lipsync.</param>
/// <param name="Status">The status a GET would report now.</param>
/// <param name="CallbackId">The caller's callback_id.</param>
/// <param name="FailureCode">Set when the job was asked to fail.</param>
/// <param name="CreditsCharged">Credits the job consumed (0 until completed, 0 when failed).</param>
public sealed record EmulatedJob(string Id, string Kind, string Status, string? CallbackId, string? FailureCode, decimal CreditsCharged);

/// <summary>An asset as the emulator sees it now.</summary>
/// <param name="Id">asset_id.</param>
/// <param name="Status">pending_upload | uploaded | ready.</param>
/// <param name="SizeBytes">Declared or uploaded size.</param>
/// <param name="MimeType">Detected from the bytes once complete.</param>
public sealed record EmulatedAsset(string Id, string Status, long SizeBytes, string? MimeType);

/// <summary>One attempt to deliver a webhook.</summary>
/// <param name="EventId">Heygen-Event-Id.</param>
/// <param name="EventType">e.g. avatar_video.success.</param>
/// <param name="Url">Where it went.</param>
/// <param name="Signed">False for per-request callback_url deliveries.</param>
/// <param name="Attempt">1 for the first try.</param>
/// <param name="StatusCode">The receiver's status, or null when the request failed.</param>
/// <param name="Succeeded">2xx received.</param>
/// <param name="At">Emulator time of the attempt.</param>
public sealed record WebhookDeliveryAttempt(string EventId, string EventType, string Url, bool Signed, int Attempt, int? StatusCode, bool Succeeded, DateTimeOffset At);

/// <summary>Read-only view of a running emulator's state, for tests and the control API.</summary>
public sealed class EmulatorState
{
    private readonly Core.Store _store;

    internal EmulatorState(Core.Store store) => _store = store;

    /// <summary>Every job not deleted, oldest first.</summary>
    public IReadOnlyList<EmulatedJob> Jobs => _store.SnapshotJobs();

    /// <summary>Every asset not deleted.</summary>
    public IReadOnlyList<EmulatedAsset> Assets => _store.SnapshotAssets();

    /// <summary>Every webhook delivery attempt so far, in order.</summary>
    public IReadOnlyList<WebhookDeliveryAttempt> Deliveries => _store.Dispatcher.SnapshotAttempts();

    /// <summary>The wallet's remaining credits.</summary>
    public decimal CreditBalance => _store.Credits;

    /// <summary>Jobs counted against the concurrency limit right now.</summary>
    public int JobsInProgress => _store.JobsInProgress();

    /// <summary>Webhook HTTP requests on the wire right now.</summary>
    public int DeliveriesInFlight => _store.Dispatcher.InFlight;

    /// <summary>Webhook deliveries waiting for a retry, delay or reorder timer.</summary>
    public int DeliveriesScheduled => _store.Dispatcher.Scheduled;
}
