using HeyGen.Client;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Workflow;

namespace HeyGenRender.Pipeline.Activities;

/// <summary>Reads any kind of HeyGen job into one shape: status, ids, duration, failure, and (kept out of history) its download URLs.</summary>
public class HeyGenJobReader(HeyGenClient heyGen)
{
    /// <summary>
    /// The job's state and its current download URLs. A job with several ids (a translation into several languages) is
    /// completed when every id is, failed as soon as one is (a partial translation is not a finished render); its URLs
    /// are the first id's.
    /// </summary>
    public virtual async Task<(JobSnapshot Snapshot, JobUrls Urls)> ReadAsync(JobRef job, CancellationToken cancellationToken = default)
    {
        var outputs = await ReadOutputsAsync(job, cancellationToken);
        var first = outputs[0];
        if (outputs.Count == 1)
        {
            return (first.Snapshot, first.Urls);
        }

        if (outputs.FirstOrDefault(o => o.Snapshot.Status == "failed") is { } failed)
        {
            return (failed.Snapshot with { FailureMessage = $"{failed.Language ?? failed.HeyGenId}: {failed.Snapshot.FailureMessage}" }, first.Urls);
        }

        var status = outputs.All(o => o.Snapshot.Status == "completed") ? "completed"
            : outputs.All(o => o.Snapshot.Status == "pending") ? "pending" : "processing";
        return (first.Snapshot with { Status = status }, first.Urls);
    }

    /// <summary>Each output of the job (one per id) with its state and current URLs, in the order of <see cref="JobRef.AllIds"/>.</summary>
    public virtual async Task<IReadOnlyList<JobOutputState>> ReadOutputsAsync(JobRef job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var outputs = new List<JobOutputState>();
        foreach (var id in job.AllIds)
        {
            outputs.Add(await ReadOneAsync(job.Kind, id, cancellationToken));
        }

        return outputs;
    }

    private async Task<JobOutputState> ReadOneAsync(RenderKind kind, string id, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case RenderKind.Avatar or RenderKind.Image:
                return FromVideo(id, await heyGen.Videos.GetAsync(id, cancellationToken));
            case RenderKind.VideoAgent:
                var session = await heyGen.VideoAgents.GetSessionAsync(id, cancellationToken);
                if (session.Status == VideoAgentSessionStatus.Completed && session.VideoId is { } videoId)
                {
                    var video = FromVideo(id, await heyGen.Videos.GetAsync(videoId, cancellationToken));
                    return video with { Snapshot = video.Snapshot with { VideoId = videoId } };
                }

                var status = session.Status == VideoAgentSessionStatus.Failed ? "failed" : "processing";
                return new JobOutputState(id, null, new JobSnapshot(status, session.VideoId, null, status == "failed" ? "failed" : null,
                    status == "failed" ? "The video agent session failed." : null), JobUrls.None);
            case RenderKind.Translation:
                var translation = await heyGen.VideoTranslations.GetAsync(id, cancellationToken);
                return new JobOutputState(id, translation.OutputLanguage,
                    new JobSnapshot(Map(translation.Status.Value), null, translation.Duration, translation.Status == JobStatus.Failed ? "failed" : null, translation.FailureMessage),
                    new JobUrls(translation.VideoUrl, null, translation.SrtCaptionUrl));
            case RenderKind.Lipsync:
                var lipsync = await heyGen.Lipsyncs.GetAsync(id, cancellationToken);
                return new JobOutputState(id, null,
                    new JobSnapshot(Map(lipsync.Status.Value), null, lipsync.Duration, lipsync.Status == JobStatus.Failed ? "failed" : null, lipsync.FailureMessage),
                    new JobUrls(lipsync.VideoUrl, null, lipsync.CaptionUrl));
            default:
                throw new NotSupportedException($"Render kind {kind} is not supported.");
        }
    }

    private static JobOutputState FromVideo(string id, VideoDetail video) =>
        new(id, null, new JobSnapshot(Map(video.Status.Value), video.Id, video.Duration, video.FailureCode, video.FailureMessage),
            new JobUrls(video.VideoUrl, video.ThumbnailUrl, video.SubtitleUrl));

    // Translations and lipsyncs say "running" where videos say "processing".
    private static string Map(string status) => status switch
    {
        "completed" or "failed" or "pending" => status,
        _ => "processing",
    };
}

/// <summary>One output of a HeyGen job as read now.</summary>
/// <param name="HeyGenId">The id read.</param>
/// <param name="Language">The output language (translations).</param>
/// <param name="Snapshot">Its state.</param>
/// <param name="Urls">Its current download URLs.</param>
public sealed record JobOutputState(string HeyGenId, string? Language, JobSnapshot Snapshot, JobUrls Urls);

/// <summary>A job's download URLs (signed, expiring: never stored in history).</summary>
/// <param name="Video">The video.</param>
/// <param name="Thumbnail">The thumbnail, if any.</param>
/// <param name="Captions">The SRT captions, if any.</param>
public sealed record JobUrls(string? Video, string? Thumbnail, string? Captions)
{
    /// <summary>No URLs.</summary>
    public static JobUrls None { get; } = new(null, null, null);
}
