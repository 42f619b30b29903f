using HeyGenRender.Pipeline.Jobs;

namespace HeyGenRender.Pipeline.Workflow;

/// <summary>
/// HeyGen's Enterprise credit rates, the one table the pipeline estimates charges from (HeyGen reports no per-job
/// charge). Source: HeyGen's "Enterprise Pricing" page (heygen-docs <c>000_c97d32f0ba42ed9b.txt</c> and the
/// <c># Enterprise Pricing</c> section of <c>001_0ef26fb39557cb97.txt</c>). Credits are consumed only for jobs that
/// complete, per second of output. The emulator keeps its own table on purpose, so a wrong rate here shows up as a
/// mismatch against the emulator's charge instead of being copied into both.
/// </summary>
public static class CreditRates
{
    /// <summary>Avatar IV and Avatar V (photo avatar, digital twin, studio avatar): 0.1 credits per second.</summary>
    public static CreditRate AvatarIV { get; } = PerSecond(0.1m, "avatar_iv");

    /// <summary>Avatar V: the same rate as Avatar IV.</summary>
    public static CreditRate AvatarV { get; } = PerSecond(0.1m, "avatar_v");

    /// <summary>Avatar III (existing customers only): 0.0033 credits per second.</summary>
    public static CreditRate AvatarIII { get; } = PerSecond(0.0033m, "avatar_iii");

    /// <summary>Image to video: a photo avatar on HeyGen's default engine (Avatar IV), 0.1 credits per second.</summary>
    public static CreditRate ImageToVideo { get; } = PerSecond(0.1m, "image_to_video (photo avatar, Avatar IV)");

    /// <summary>Cinematic avatar: a flat 7 credits per video, whatever its length.</summary>
    public static CreditRate CinematicAvatar { get; } = new(null, 7m, "cinematic_avatar");

    /// <summary>Video agent (prompt to video): 0.0667 credits per second.</summary>
    public static CreditRate VideoAgent { get; } = PerSecond(0.0667m, "video_agent");

    /// <summary>Video translation, speed mode (lip sync or audio only): 0.05 credits per second per output language.</summary>
    public static CreditRate TranslationSpeed { get; } = PerSecond(0.05m, "video_translation_speed");

    /// <summary>Video translation, precision mode: 0.1 credits per second per output language.</summary>
    public static CreditRate TranslationPrecision { get; } = PerSecond(0.1m, "video_translation_precision");

    /// <summary>Lipsync, speed mode: 0.05 credits per second.</summary>
    public static CreditRate LipsyncSpeed { get; } = PerSecond(0.05m, "lipsync_speed");

    /// <summary>Lipsync, precision mode: 0.1 credits per second.</summary>
    public static CreditRate LipsyncPrecision { get; } = PerSecond(0.1m, "lipsync_precision");

    /// <summary>The rate HeyGen charges for <paramref name="job"/> (engine and mode decide it).</summary>
    /// <param name="job">The job as the spec describes it.</param>
    /// <returns>The rate.</returns>
    public static CreditRate For(RenderJob job) => job switch
    {
        AvatarVideoJob { Engine: "avatar_iii" } => AvatarIII,
        AvatarVideoJob { Engine: "avatar_v" } => AvatarV,
        AvatarVideoJob => AvatarIV, // HeyGen's default engine when none is named
        ImageVideoJob => ImageToVideo,
        VideoAgentJob => VideoAgent,
        VideoTranslationJob { Mode: "precision" } => TranslationPrecision,
        VideoTranslationJob => TranslationSpeed,
        LipsyncJob { Mode: "precision" } => LipsyncPrecision,
        LipsyncJob => LipsyncSpeed,
        _ => throw new ArgumentOutOfRangeException(nameof(job), job?.GetType().Name, "No HeyGen credit rate is known for this job."),
    };

    /// <summary>The estimated charge for outputs of the given durations (one per video: several for multi-language translations).</summary>
    /// <param name="rate">The job's rate.</param>
    /// <param name="outputSeconds">Each output's duration in seconds; null when HeyGen did not report it.</param>
    /// <returns>The estimate; <see cref="CreditEstimate.Estimated"/> is null when a per-second rate meets an unknown duration.</returns>
    public static CreditEstimate Estimate(CreditRate rate, IReadOnlyList<double?> outputSeconds)
    {
        ArgumentNullException.ThrowIfNull(rate);
        ArgumentNullException.ThrowIfNull(outputSeconds);
        if (rate.PerVideo is { } perVideo)
        {
            return new CreditEstimate(perVideo * outputSeconds.Count, rate.PerSecond, rate.PerVideo, Seconds(outputSeconds), rate.Basis);
        }

        var seconds = Seconds(outputSeconds);
        decimal? estimated = seconds is { } s && rate.PerSecond is { } perSecond ? Math.Round(perSecond * (decimal)s, 4) : null;
        return new CreditEstimate(estimated, rate.PerSecond, null, seconds, rate.Basis);
    }

    private static double? Seconds(IReadOnlyList<double?> outputs) =>
        outputs.Count > 0 && outputs.All(d => d is not null) ? outputs.Sum(d => d!.Value) : null;

    private static CreditRate PerSecond(decimal rate, string basis) => new(rate, null, basis);
}

/// <summary>One line of HeyGen's price list.</summary>
/// <param name="PerSecond">Credits per second of output, for duration-billed features.</param>
/// <param name="PerVideo">Credits per video, for flat-rate features.</param>
/// <param name="Basis">Which line of the price list applies, for example <c>avatar_iv</c> or <c>video_translation_precision</c>.</param>
public sealed record CreditRate(decimal? PerSecond, decimal? PerVideo, string Basis);

/// <summary>The <c>credits</c> object of result.json: an estimate from the price list, not HeyGen's bill.</summary>
/// <param name="Estimated">Credits, rounded to 4 decimals; null when HeyGen reported no duration.</param>
/// <param name="RatePerSecond">The per-second rate applied.</param>
/// <param name="RatePerVideo">The flat per-video rate applied, for flat-rate features.</param>
/// <param name="BilledSeconds">The output seconds the estimate counts (all languages of a translation).</param>
/// <param name="Basis">Which line of the price list applies.</param>
public sealed record CreditEstimate(decimal? Estimated, decimal? RatePerSecond, decimal? RatePerVideo, double? BilledSeconds, string Basis);
