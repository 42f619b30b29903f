namespace HeyGen.Emulator;

/// <summary>Settings of one emulator instance. Bound from the <c>Emulator</c> configuration section when standalone.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The configuration section standalone runs read.</summary>
    public const string SectionName = "Emulator";

    /// <summary>The only API key accepted in <c>X-Api-Key</c>.</summary>
    public string ApiKey { get; set; } = "emulator-key";

    /// <summary>How long a job takes from create to completed. Zero completes jobs at create.</summary>
    public TimeSpan RenderDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Jobs in progress at once before creates get 429 (pay-as-you-go: 10).</summary>
    public int MaxConcurrentJobs { get; set; } = 10;

    /// <summary>Requests per API key per minute before 429; 0 disables the limit.</summary>
    public int RateLimitPerMinute { get; set; } = 600;

    /// <summary>How long a download URL (video, thumbnail, captions, asset) stays valid; HeyGen uses 7 days.</summary>
    public TimeSpan DownloadUrlLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a direct-upload URL stays valid (<c>expires_in_seconds</c>).</summary>
    public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The largest direct upload accepted (<c>max_bytes</c>).</summary>
    public long DirectUploadMaxBytes { get; set; } = 5L * 1024 * 1024 * 1024;

    /// <summary>The multipart <c>POST /v3/assets</c> cap (32 MB).</summary>
    public long MultipartMaxBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>First webhook retry delay; each further retry doubles it.</summary>
    public TimeSpan WebhookRetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Delivery attempts per event and endpoint, the first included.</summary>
    public int WebhookMaxAttempts { get; set; } = 8;

    /// <summary>How long one webhook delivery may take before it counts as failed (HeyGen: 10 s).</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Credits in the wallet at start.</summary>
    public decimal InitialCredits { get; set; } = 1000m;

    /// <summary>Where uploads are stored; a fresh temp folder when null. Deleted at stop when the emulator created it.</summary>
    public string? StorageDirectory { get; set; }

    /// <summary>Seed of the fault injector's random choices, so a run can be reproduced.</summary>
    public int FaultSeed { get; set; } = 1;

    /// <summary>Faults active from the start (the control API can change them later).</summary>
    public IList<FaultRule> Faults { get; } = [];
}
