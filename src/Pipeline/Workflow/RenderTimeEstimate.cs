using HeyGenRender.Pipeline.Jobs;

namespace HeyGenRender.Pipeline.Workflow;

/// <summary>
/// When HeyGen is likely done with a job, so the first poll goes there and not at a fixed time. HeyGen's docs put
/// processing at 5x-10x the final video's length; the length comes from the job: the script at a speaking pace, or the
/// audio or video asset's size at a typical bit rate (the pipeline never decodes media). A job whose length cannot be
/// told (a video agent, a URL asset) uses <see cref="RenderWorkflowOptions.ExpectedRenderTime"/>.
/// </summary>
public static class RenderTimeEstimate
{
    /// <summary>A speaking pace of about 150 words a minute.</summary>
    public const double SpokenCharactersPerSecond = 15;

    /// <summary>A typical audio bit rate (128 kbit/s), for an audio asset's length.</summary>
    public const double AudioBytesPerSecond = 16_000;

    /// <summary>A typical bit rate of an uploaded 720p-1080p clip (2 Mbit/s), for a video asset's length.</summary>
    public const double VideoBytesPerSecond = 250_000;

    /// <summary>How long the video the job makes will be, or null when the job does not tell.</summary>
    /// <param name="job">The job.</param>
    /// <param name="lengthOf">The byte length of a blob asset, or null (a URL asset, or unknown).</param>
    /// <returns>Seconds of output, or null.</returns>
    public static double? OutputSeconds(RenderJob job, Func<AssetReference, long?> lengthOf)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(lengthOf);
        return job switch
        {
            SpokenVideoJob { Script: { } script } => script.Length / SpokenCharactersPerSecond,
            SpokenVideoJob { Audio: { } audio } => lengthOf(audio) / AudioBytesPerSecond,
            LipsyncJob lipsync => lengthOf(lipsync.Audio) / AudioBytesPerSecond,
            VideoTranslationJob translation => lengthOf(translation.Video) / VideoBytesPerSecond,
            _ => null,
        };
    }

    /// <summary>The expected time from creation to done.</summary>
    /// <param name="job">The job.</param>
    /// <param name="lengthOf">The byte length of a blob asset, or null.</param>
    /// <param name="options">The factor, the floor and the fallback.</param>
    /// <returns>The expected render time.</returns>
    public static TimeSpan For(RenderJob job, Func<AssetReference, long?> lengthOf, RenderWorkflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (OutputSeconds(job, lengthOf) is not { } seconds)
        {
            return options.ExpectedRenderTime;
        }

        var expected = TimeSpan.FromSeconds(Math.Min(seconds * options.RenderTimePerVideoSecond, TimeSpan.FromDays(7).TotalSeconds));
        return expected < options.MinExpectedRenderTime ? options.MinExpectedRenderTime : expected;
    }
}
