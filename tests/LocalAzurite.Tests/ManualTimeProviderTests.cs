using HeyGenRender.TestSupport;

namespace HeyGenRender.LocalAzurite.Tests;

// The shared test clock lives in tests/TestSupport; every suite's virtual-time tests rest on it.
public sealed class ManualTimeProviderTests
{
    [Fact]
    public void Advance_PastDueTimers_FiresThemInDueOrderAtTheirDueTime()
    {
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        var fired = new List<(string Name, TimeSpan At)>();
        using var late = time.CreateTimer(_ => fired.Add(("late", time.GetUtcNow() - start)), null, TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan);
        using var early = time.CreateTimer(_ => fired.Add(("early", time.GetUtcNow() - start)), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal([("early", TimeSpan.FromSeconds(10))], fired);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([("early", TimeSpan.FromSeconds(10)), ("late", TimeSpan.FromSeconds(30))], fired);
        Assert.Equal(start + TimeSpan.FromSeconds(30), time.GetUtcNow());
    }

    [Fact]
    public async Task Delay_WithManualTime_CompletesOnlyWhenAdvanced()
    {
        var time = new ManualTimeProvider();
        var delay = Task.Delay(TimeSpan.FromMinutes(5), time);

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.False(delay.IsCompleted);

        time.Advance(TimeSpan.FromMinutes(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Advance_PeriodicTimer_FiresOncePerPeriod()
    {
        var time = new ManualTimeProvider();
        var count = 0;
        using var timer = time.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        time.Advance(TimeSpan.FromSeconds(3.5));

        Assert.Equal(3, count);
    }

    [Fact]
    public void Dispose_ArmedTimer_NeverFires()
    {
        var time = new ManualTimeProvider();
        var fired = false;
        var timer = time.CreateTimer(_ => fired = true, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        timer.Dispose();
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.False(fired);
        Assert.Equal(0, time.ActiveTimers);
    }
}
