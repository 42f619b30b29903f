namespace HeyGen.Emulator;

/// <summary>The kinds of fault the emulator can inject.</summary>
public enum FaultKind
{
    /// <summary>Answer 429 <c>rate_limit_exceeded</c> with <c>Retry-After</c>.</summary>
    RateLimit,

    /// <summary>Answer 500, 502 or 504 (see <see cref="FaultRule.StatusCode"/>).</summary>
    ServerError,

    /// <summary>Hold the request for <see cref="FaultRule.Delay"/> (emulator time) before handling it.</summary>
    Latency,

    /// <summary>Never deliver a webhook (it still appears in <c>GET /v3/webhooks/events</c>).</summary>
    WebhookDrop,

    /// <summary>Deliver a webhook twice with the same <c>Heygen-Event-Id</c>.</summary>
    WebhookDuplicate,

    /// <summary>Deliver a webhook <see cref="FaultRule.Delay"/> late.</summary>
    WebhookDelay,

    /// <summary>Hold a webhook back until the next one has been delivered (out of order).</summary>
    WebhookReorder,

    /// <summary>Answer 404 <c>asset_not_found</c> on <c>GET /v3/assets/{id}</c> of an asset that was just completed.</summary>
    AssetNotFoundAfterComplete,

    /// <summary>Answer 403 on a download as if its URL had expired.</summary>
    ExpiredDownload,

    /// <summary>Cut a download short after half of its bytes (the connection is aborted).</summary>
    TruncatedDownload,
}

/// <summary>One fault to inject. Matching requests or deliveries trigger it with <see cref="Probability"/>, at most <see cref="Count"/> times.</summary>
public sealed class FaultRule
{
    /// <summary>What to inject.</summary>
    public FaultKind Kind { get; set; }

    /// <summary>Only requests whose path starts with this (e.g. <c>/v3/videos</c>); null matches all. Ignored by webhook faults.</summary>
    public string? PathPrefix { get; set; }

    /// <summary>Only this HTTP method (e.g. <c>POST</c>); null matches all.</summary>
    public string? Method { get; set; }

    /// <summary>Chance per matching request or delivery, drawn from the seeded random source.</summary>
    public double Probability { get; set; } = 1.0;

    /// <summary>How many times the fault fires before it is spent; null for no limit.</summary>
    public int? Count { get; set; }

    /// <summary>Status of <see cref="FaultKind.ServerError"/>: 500, 502 or 504.</summary>
    public int StatusCode { get; set; } = 500;

    /// <summary><c>Retry-After</c> seconds of <see cref="FaultKind.RateLimit"/>.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Added latency or webhook delay.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <see cref="FaultKind.Latency"/> only: hold the request until this task ends instead of for <see cref="Delay"/>, so a
    /// test can keep a request in flight exactly until it has seen what it waits for.
    /// </summary>
    public Task? Until { get; set; }
}
