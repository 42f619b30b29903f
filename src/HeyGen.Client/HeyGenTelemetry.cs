using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HeyGen.Client;

/// <summary>
/// The client's OpenTelemetry sources, from <c>System.Diagnostics</c> only (the host adds the SDK and exporters):
/// one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <see cref="Name"/>. Each API call is a
/// client span <c>HeyGen {METHOD} {route}</c> covering its retries (each an event with its delay and reason, and the
/// <c>http.request.resend_count</c>); the HTTP attempts under it come from <c>System.Net.Http</c>. No key, secret or
/// signature is ever an attribute.
/// </summary>
public static class HeyGenTelemetry
{
    /// <summary>The name of the activity source and the meter: add it to the host's tracer and meter providers.</summary>
    public const string Name = "HeyGen.Client";

    internal static readonly ActivitySource Source = new(Name, typeof(HeyGenTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(Name, typeof(HeyGenTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary><c>heygen.client.request.duration</c>: seconds per API call, retries included, by method, route and status.</summary>
    internal static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "heygen.client.request.duration", "s", "Duration of HeyGen API calls, retries included.");

    /// <summary><c>heygen.client.retries</c>: retried attempts, by route and reason (a status code or an exception type).</summary>
    internal static readonly Counter<long> Retries = Meter.CreateCounter<long>("heygen.client.retries", "{retry}", "HeyGen API attempts that were retried.");

    /// <summary><c>heygen.client.throttled</c>: 429 answers, by route.</summary>
    internal static readonly Counter<long> Throttled = Meter.CreateCounter<long>("heygen.client.throttled", "{response}", "HeyGen answers of 429 Too Many Requests.");

    /// <summary><c>heygen.client.upload.size</c>: bytes sent to presigned upload URLs.</summary>
    internal static readonly Counter<long> UploadedBytes = Meter.CreateCounter<long>("heygen.client.upload.size", "By", "Bytes uploaded to HeyGen's presigned URLs.");
}
