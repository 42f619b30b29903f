using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Workflow;

namespace HeyGenRender.Pipeline.Tests.Workflow;

public sealed class CreditRatesTests
{
    private static readonly AssetReference s_video = AssetReference.ForBlob("render-requests", "in.mp4");

    public static TheoryData<RenderJob, string, double> Jobs => new()
    {
        { new AvatarVideoJob { LookId = "l", Script = "Hi" }, "avatar_iv", 0.1 },
        { new AvatarVideoJob { LookId = "l", Script = "Hi", Engine = "avatar_iv" }, "avatar_iv", 0.1 },
        { new AvatarVideoJob { LookId = "l", Script = "Hi", Engine = "avatar_v" }, "avatar_v", 0.1 },
        { new AvatarVideoJob { LookId = "l", Script = "Hi", Engine = "avatar_iii" }, "avatar_iii", 0.0033 },
        { new ImageVideoJob { Image = s_video, Script = "Hi", VoiceId = "v" }, "image_to_video (photo avatar, Avatar IV)", 0.1 },
        { new VideoAgentJob { Prompt = "p" }, "video_agent", 0.0667 },
        { new VideoTranslationJob { Video = s_video, OutputLanguages = ["Spanish"] }, "video_translation_speed", 0.05 },
        { new VideoTranslationJob { Video = s_video, OutputLanguages = ["Spanish"], Mode = "precision" }, "video_translation_precision", 0.1 },
        { new LipsyncJob { Video = s_video, Audio = s_video }, "lipsync_speed", 0.05 },
        { new LipsyncJob { Video = s_video, Audio = s_video, Mode = "precision" }, "lipsync_precision", 0.1 },
    };

    [Theory]
    [MemberData(nameof(Jobs))]
    public void For_EachKindEngineAndMode_IsTheEnterprisePriceListLine(RenderJob job, string basis, double perSecond)
    {
        var rate = CreditRates.For(job);

        Assert.Equal(basis, rate.Basis);
        Assert.Equal((decimal)perSecond, rate.PerSecond);
    }

    [Fact]
    public void Estimate_FiveMinuteAvatarIVVideo_Is30Credits()
    {
        var estimate = CreditRates.Estimate(CreditRates.AvatarIV, [300]);

        Assert.Equal(30m, estimate.Estimated);
        Assert.Equal(300, estimate.BilledSeconds);
    }

    [Fact]
    public void Estimate_TranslationIntoSeveralLanguages_CountsEveryLanguage()
    {
        var estimate = CreditRates.Estimate(CreditRates.TranslationSpeed, [60, 60, 61.5]);

        Assert.Equal(9.075m, estimate.Estimated);
        Assert.Equal(181.5, estimate.BilledSeconds);
    }

    [Fact]
    public void Estimate_UnknownDuration_LeavesTheEstimateEmptyButKeepsTheRate()
    {
        var estimate = CreditRates.Estimate(CreditRates.VideoAgent, [null]);

        Assert.Null(estimate.Estimated);
        Assert.Equal(0.0667m, estimate.RatePerSecond);
    }

    [Fact]
    public void Estimate_CinematicAvatar_IsAFlatSevenCreditsPerVideo()
    {
        var estimate = CreditRates.Estimate(CreditRates.CinematicAvatar, [12]);

        Assert.Equal(7m, estimate.Estimated);
        Assert.Null(estimate.RatePerSecond);
        Assert.Equal(7m, estimate.RatePerVideo);
    }
}
