namespace HeyGenRender.Pipeline.Workflow;

/// <summary>Tuning of the render workflow (configuration section <c>Workflow</c>). Read once per render, at its start.</summary>
public sealed class RenderWorkflowOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Workflow";

    /// <summary>HeyGen jobs allowed in flight at once across all renders (HeyGen: 10 pay-as-you-go, 20+ enterprise).</summary>
    public int ConcurrencyLimit { get; set; } = 10;

    /// <summary>When HeyGen is likely done after creation, for a job whose length cannot be told (a video agent, a URL asset).</summary>
    public TimeSpan ExpectedRenderTime { get; set; } = TimeSpan.FromMinutes(4);

    /// <summary>Seconds of HeyGen processing per second of output (HeyGen: 5x-10x); the first poll goes at the low end.</summary>
    public double RenderTimePerVideoSecond { get; set; } = 5;

    /// <summary>The earliest the first poll goes, however short the job.</summary>
    public TimeSpan MinExpectedRenderTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest gap between polls in <c>poll</c> mode.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest gap between safety-net polls in <c>auto</c> mode.</summary>
    public TimeSpan SafetyNetPollInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a render queued for a slot asks again (in case a hand-off event was lost).</summary>
    public TimeSpan SlotRecheckInterval { get; set; } = TimeSpan.FromMinutes(5);
}
