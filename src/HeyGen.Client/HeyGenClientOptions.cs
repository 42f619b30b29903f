namespace HeyGen.Client;

/// <summary>Settings for <see cref="HeyGenClient"/>.</summary>
public sealed class HeyGenClientOptions
{
    /// <summary>The default service address.</summary>
    public static readonly Uri DefaultEndpoint = new("https://api.heygen.com");

    /// <summary>The service address; <c>https://api.heygen.com</c> unless pointed at an emulator.</summary>
    public Uri Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>A fixed API key. Set this or <see cref="ApiKeyProvider"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// A source of the API key that can refresh it (for example from Key Vault). Takes precedence over
    /// <see cref="ApiKey"/>. On a 401 the client reports the rejected key, fetches a key again and
    /// retries the request once with it.
    /// </summary>
    public HeyGenApiKeyProvider? ApiKeyProvider { get; set; }

    /// <summary>Retries after the first attempt for retryable failures (429, 408, 5xx, transport). Default 4.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The first backoff delay; it doubles per attempt. Default 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest backoff delay. Default 30 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether backoff delays are randomised. Default true.</summary>
    public bool RetryJitter { get; set; } = true;

    /// <summary>
    /// The longest <c>Retry-After</c> the client waits through. A longer one is not slept through: the
    /// call fails with <see cref="HeyGenException.RetryAfter"/> set, so a durable orchestration can wait.
    /// Default 30 s.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Time limit for one API call (all attempts), default 100 s; <see cref="Timeout.InfiniteTimeSpan"/>
    /// disables it. It never applies to the upload <c>PUT</c>, which may carry gigabytes.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How often <c>complete</c> is tried while HeyGen answers 409 <c>resource_not_ready</c>. Default 6.</summary>
    public int CompleteUploadMaxAttempts { get; set; } = 6;

    /// <summary>The buffer size used to stream uploads. Default 80 KiB.</summary>
    public int UploadBufferSize { get; set; } = 81920;

    /// <summary>The clock for backoff and <c>Retry-After</c> dates; tests pass a manual one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The <c>User-Agent</c> sent to the API (never to the presigned upload URL).</summary>
    public string UserAgent { get; set; } = "HeyGen.Client.DotNet/1.0";

    internal void Validate()
    {
        if (Endpoint is null || !Endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException("HeyGenClientOptions.Endpoint must be an absolute URI.", nameof(Endpoint));
        }

        if (ApiKeyProvider is null && string.IsNullOrWhiteSpace(ApiKey))
        {
            throw new ArgumentException("HeyGenClientOptions needs ApiKey or ApiKeyProvider.", nameof(ApiKey));
        }

        if (MaxRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "MaxRetries must be 0 or more.");
        }

        if (CompleteUploadMaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CompleteUploadMaxAttempts), CompleteUploadMaxAttempts, "CompleteUploadMaxAttempts must be 1 or more.");
        }

        if (UploadBufferSize < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(UploadBufferSize), UploadBufferSize, "UploadBufferSize must be at least 1024.");
        }

        if (RetryBaseDelay < TimeSpan.Zero || RetryMaxDelay < TimeSpan.Zero || MaxRetryAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryBaseDelay), "Retry delays must not be negative.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}
