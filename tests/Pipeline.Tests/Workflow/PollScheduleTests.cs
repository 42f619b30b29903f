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

        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(130), TimeSpan.FromSeconds(170)], PollTimes(WaitMode.Poll, 4, plan));
    }
}
