using HeyGenRender.TestSupport;

namespace HeyGen.Client.Tests.Support;

internal static class TestClients
{
    public const string ApiKey = "test-key-0123456789";

    /// <summary>A client with deterministic backoff (no jitter) and no overall timeout, on virtual time.</summary>
    public static HeyGenClient Create(Uri endpoint, ManualTimeProvider time, Action<HeyGenClientOptions>? configure = null)
    {
        var options = new HeyGenClientOptions
        {
            Endpoint = endpoint,
            ApiKey = ApiKey,
            TimeProvider = time,
            RetryJitter = false,
            RequestTimeout = Timeout.InfiniteTimeSpan,
        };
        configure?.Invoke(options);
        return new HeyGenClient(options);
    }
}
