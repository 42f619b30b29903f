using HeyGen.Client;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Workflow;

namespace HeyGenRender.Pipeline.Activities;

/// <summary>Reads any kind of HeyGen job into one shape: status, ids, duration, failure, and (kept out of history) its download URLs.</summary>
public class HeyGenJobReader(HeyGenClient heyGen)
{
    /// <summary>The job's state and its current download URLs.</summary>
    public virtual async Task<(JobSnapshot Snapshot, JobUrls Urls)> ReadAsync(JobRef job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        switch (job.Kind)
        {
            case RenderKind.Avatar or RenderKind.Image:
                return FromVideo(await heyGen.Videos.GetAsync(job.HeyGenId, cancellationToken));
            case RenderKind.VideoAgent:
                var session = await heyGen.VideoAgents.GetSessionAsync(job.HeyGenId, cancellationToken);
                if (session.Status == VideoAgentSessionStatus.Completed && session.VideoId is { } videoId)
                {
                    var (snapshot, urls) = FromVideo(await heyGen.Videos.GetAsync(videoId, cancellationToken));
                    return (snapshot with { VideoId = videoId }, urls);
                }

                var status = session.Status == VideoAgentSessionStatus.Failed ? "failed"
                    : session.Status == VideoAgentSessionStatus.Completed ? "processing" : "processing";
                return (new JobSnapshot(status, session.VideoId, null, status == "failed" ? "failed" : null, status == "failed" ? "The video agent session failed." : null), JobUrls.None);
            case RenderKind.Translation:
                var translation = await heyGen.VideoTranslations.GetAsync(job.HeyGenId, cancellationToken);
                return (new JobSnapshot(Map(translation.Status.Value), null, translation.Duration, translation.Status == JobStatus.Failed ? "failed" : null, translation.FailureMessage),
                    new JobUrls(translation.VideoUrl, null, null));
            case RenderKind.Lipsync:
                var lipsync = await heyGen.Lipsyncs.GetAsync(job.HeyGenId, cancellationToken);
                return (new JobSnapshot(Map(lipsync.Status.Value), null, lipsync.Duration, lipsync.Status == JobStatus.Failed ? "failed" : null, lipsync.FailureMessage),
                    new JobUrls(lipsync.VideoUrl, null, null));
            default:
                throw new NotSupportedException($"Render kind {job.Kind} is not supported.");
        }
    }

    private static (JobSnapshot, JobUrls) FromVideo(VideoDetail video) =>
        (new JobSnapshot(Map(video.Status.Value), video.Id, video.Duration, video.FailureCode, video.FailureMessage),
         new JobUrls(video.VideoUrl, video.ThumbnailUrl, video.SubtitleUrl));

    // Translations and lipsyncs say "running" where videos say "processing".
    private static string Map(string status) => status switch
    {
        "completed" or "failed" or "pending" => status,
        _ => "processing",
    };
}

/// <summary>A job's download URLs (signed, expiring: never stored in history).</summary>
/// <param name="Video">The video.</param>
/// <param name="Thumbnail">The thumbnail, if any.</param>
/// <param name="Captions">The SRT captions, if any.</param>
public sealed record JobUrls(string? Video, string? Thumbnail, string? Captions)
{
    /// <summary>No URLs.</summary>
    public static JobUrls None { get; } = new(null, null, null);
}
