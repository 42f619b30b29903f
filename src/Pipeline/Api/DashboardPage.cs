namespace HeyGenRender.Pipeline.Api;

/// <summary>
/// The render dashboard: one static page (no build step) that lists the renders from <c>GET /api/renders</c>, updates
/// every second, plays a finished render's video from <c>/api/renders/{id}/files/…</c> with its captions and thumbnail,
/// shows a failed one's stage and HeyGen's message, and starts and cancels renders. Served by <c>serve</c> at <c>/</c>
/// and by the Functions app at <c>/api/dashboard</c>, beside the API and behind the same keys.
/// </summary>
public static class DashboardPage
{
    private static readonly Lazy<string> s_html = new(() =>
    {
        using var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream("HeyGenRender.Pipeline.Dashboard.index.html")
            ?? throw new InvalidOperationException("The dashboard page is not embedded in the pipeline assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The page.</summary>
    public static string Html => s_html.Value;
}
