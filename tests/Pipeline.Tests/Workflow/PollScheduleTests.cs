using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Workflow;

namespace HeyGenRender.Pipeline.Tests.Workflow;

public sealed class PollScheduleTests
{
    // The defaults of RenderWorkflowOptions: expected render 4 min, poll cap 2 min, safety-net cap 10 min.
    private static readonly RenderPlan s_plan = PlanFrom(new RenderWorkflowOptions());

    private static RenderPlan PlanFrom(RenderWorkflowOptions o) =>
        new(RenderKind.Avatar, [], WaitMode.Auto, o.ConcurrencyLimit, o.ExpectedRenderTime, o.PollInterval, o.SafetyNetPollInterval, o.SlotRecheckInterval);

    // Times after the create call at which the render asks HeyGen, for the first n polls.
    private static List<TimeSpan> PollTimes(WaitMode mode, int n, RenderPlan plan)
    {
        var times = new List<TimeSpan>();
        var at = TimeSpan.Zero;
        for (var i = 0; i < n && PollSchedule.NextDelay(mode, i, plan) is { } delay; i++)
        {
            at += delay;
            times.Add(at);
        }

        return times;
    }

    [Fact]
    public void NextDelay_PollMode_FirstPollAtExpectedTimeThenGrowingGapsCappedAtPollInterval()
    {
        var times = PollTimes(WaitMode.Poll, 7, s_plan);

        Assert.Equal(
            [TimeSpan.FromMinutes(4), TimeSpan.FromSeconds(270), TimeSpan.FromSeconds(315), TimeSpan.FromSeconds(382.5),
             TimeSpan.FromSeconds(483.75), TimeSpan.FromSeconds(603.75), TimeSpan.FromSeconds(723.75)],
            times);
    }

    [Fact]
    public void NextDelay_PollMode_AFiveMinuteRenderIsSeenWithinAQuarterMinuteInThreePolls()
    {
        var times = PollTimes(WaitMode.Poll, 20, s_plan);

        var seenBy = times.FindIndex(t => t >= TimeSpan.FromMinutes(5));
        Assert.Equal(2, seenBy); // the third poll
        Assert.Equal(TimeSpan.FromSeconds(315), times[seenBy]);
    }

    [Fact]
    public void NextDelay_PollMode_LongRenderCostsOneCallPerCapInterval()
    {
        var gaps = Enumerable.Range(5, 50).Select(i => PollSchedule.NextDelay(WaitMode.Poll, i, s_plan)).ToList();

        Assert.All(gaps, g => Assert.Equal(TimeSpan.FromMinutes(2), g));
    }

    [Fact]
    public void NextDelay_AutoMode_SafetyNetStartsHalfAnIntervalAfterTheExpectedTimeAndBacksOffToTheCap()
    {
        var times = PollTimes(WaitMode.Auto, 6, s_plan);

        Assert.Equal(
            [TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11.5), TimeSpan.FromMinutes(15.25), TimeSpan.FromMinutes(20.875),
             TimeSpan.FromMinutes(29.3125), TimeSpan.FromMinutes(39.3125)],
            times);
    }

    [Fact]
    public void NextDelay_WebhookMode_NeverPolls()
    {
        Assert.Null(PollSchedule.NextDelay(WaitMode.Webhook, 0, s_plan));
        Assert.Null(PollSchedule.NextDelay(WaitMode.Webhook, 3, s_plan));
    }

    [Fact]
    public void NextDelay_ConfiguredTimes_FollowTheOptions()
    {
        var plan = PlanFrom(new RenderWorkflowOptions { ExpectedRenderTime = TimeSpan.FromMinutes(1), PollInterval = TimeSpan.FromSeconds(40) });

        // First gap a quarter of the expected minute (15 s), then x1.5: 22.5 s, 33.75 s (under the 40 s cap).
        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(75), TimeSpan.FromSeconds(97.5), TimeSpan.FromSeconds(131.25)], PollTimes(WaitMode.Poll, 4, plan));
    }
}

public sealed class RenderTimeEstimateTests
{
    private static readonly RenderWorkflowOptions s_options = new();

    private static RenderJob Job(string json) => RenderJobSpecParser.ParseValid(System.Text.Encoding.UTF8.GetBytes(json)).Job;

    [Theory]
    [InlineData(150, 50)] // 10 s of speech: 50 s at 5x
    [InlineData(1_500, 500)] // 100 s of speech
    [InlineData(30, 30)] // 2 s of speech: the 30 s floor
    public void For_ScriptedAvatar_FollowsTheScriptLength(int characters, int expectedSeconds)
    {
        var job = Job("""{"version": 1, "kind": "avatar", "avatar": {"look_id": "l", "script": "SCRIPT"}}""".Replace("SCRIPT", new string('a', characters), StringComparison.Ordinal));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RenderTimeEstimate.For(job, _ => null, s_options));
    }

    [Fact]
    public void For_LipsyncAndTranslation_FollowTheirMediaSizes()
    {
        var lipsync = Job("""{"version": 1, "kind": "lipsync", "lipsync": {"video": {"blob": "v.mp4"}, "audio": {"blob": "a.mp3"}}}""");
        var translation = Job("""{"version": 1, "kind": "translation", "translation": {"video": {"blob": "v.mp4"}, "output_languages": ["es"]}}""");

        // A minute of 128 kbit/s audio; a minute of 2 Mbit/s video: 5 minutes each.
        Assert.Equal(TimeSpan.FromMinutes(5), RenderTimeEstimate.For(lipsync, a => a.BlobName == "a.mp3" ? 960_000 : 1, s_options));
        Assert.Equal(TimeSpan.FromMinutes(5), RenderTimeEstimate.For(translation, _ => 15_000_000, s_options));
    }

    [Fact]
    public void For_VideoAgentOrUrlAsset_FallsBackToTheConfiguredTime()
    {
        var agent = Job("""{"version": 1, "kind": "video_agent", "video_agent": {"prompt": "A launch video."}}""");
        var byUrl = Job("""{"version": 1, "kind": "translation", "translation": {"video": {"url": "https://example.com/v.mp4"}, "output_languages": ["es"]}}""");

        Assert.Equal(s_options.ExpectedRenderTime, RenderTimeEstimate.For(agent, _ => null, s_options));
        Assert.Equal(s_options.ExpectedRenderTime, RenderTimeEstimate.For(byUrl, _ => null, s_options));
    }

    [Fact]
    public void FirstGap_IsAQuarterOfTheExpectedTimeWithin5To30Seconds()
    {
        RenderPlan Plan(TimeSpan expected) => new(RenderKind.Avatar, [], WaitMode.Poll, 10, expected, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.FromSeconds(5), PollSchedule.FirstGap(Plan(TimeSpan.FromSeconds(3))));
        Assert.Equal(TimeSpan.FromSeconds(15), PollSchedule.FirstGap(Plan(TimeSpan.FromSeconds(60))));
        Assert.Equal(TimeSpan.FromSeconds(30), PollSchedule.FirstGap(Plan(TimeSpan.FromMinutes(10))));
    }
}
