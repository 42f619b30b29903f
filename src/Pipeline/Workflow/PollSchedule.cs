using HeyGenRender.Pipeline.Jobs;

namespace HeyGenRender.Pipeline.Workflow;

/// <summary>
/// When the render asks HeyGen for the job's status. Few calls, fast detection:
/// HeyGen rarely finishes before the expected render time (<see cref="RenderTimeEstimate"/>: from the job's length), so
/// polling earlier only wastes calls; the first poll goes there. Right after it completion is likeliest, so the next
/// gaps are short (a quarter of the expected time, 5-30 s) and grow by 1.5 each time,
/// capped, so a job that runs long costs about one call per cap interval rather than one per few seconds
/// (HeyGen's CLI polls 2–30 s; a 5-minute render would cost 10–60 calls that way, this schedule 3–4).
/// With webhooks (<c>auto</c>) polling is only a safety net for a lost delivery: it starts later and backs off
/// further. <c>webhook</c> mode does not poll, except once at the deadline before giving up.
/// </summary>
public static class PollSchedule
{
    /// <summary>The longest gap after the first poll in poll mode (HeyGen suggests polling every 10-30 s).</summary>
    public static TimeSpan MaxFirstGap { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The shortest gap after the first poll.</summary>
    public static TimeSpan MinFirstGap { get; } = TimeSpan.FromSeconds(5);

    /// <summary>The growth of the gaps.</summary>
    public const double Growth = 1.5;

    /// <summary>The delay from the previous poll (or from the job's creation, for <paramref name="pollsSoFar"/> 0) to the next poll; null for none.</summary>
    public static TimeSpan? NextDelay(WaitMode mode, int pollsSoFar, RenderPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        switch (mode)
        {
            case WaitMode.Poll:
                return pollsSoFar == 0 ? plan.ExpectedRenderTime : Grow(FirstGap(plan), pollsSoFar, plan.PollInterval);
            case WaitMode.Auto:
                // The webhook should arrive near the expected time; the net catches it a safety interval later.
                var first = plan.ExpectedRenderTime + plan.SafetyNetPollInterval / 2;
                return pollsSoFar == 0 ? first : Grow(plan.SafetyNetPollInterval / 4, pollsSoFar, plan.SafetyNetPollInterval);
            default:
                return null;
        }
    }

    /// <summary>The gap after the first poll: a quarter of the expected time, within 5-30 s.</summary>
    /// <param name="plan">The render's plan.</param>
    /// <returns>The gap.</returns>
    public static TimeSpan FirstGap(RenderPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var quarter = plan.ExpectedRenderTime / 4;
        return quarter < MinFirstGap ? MinFirstGap : quarter > MaxFirstGap ? MaxFirstGap : quarter;
    }

    private static TimeSpan Grow(TimeSpan firstGap, int pollsSoFar, TimeSpan cap)
    {
        var ticks = firstGap.Ticks * Math.Pow(Growth, pollsSoFar - 1);
        return ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
    }
}
