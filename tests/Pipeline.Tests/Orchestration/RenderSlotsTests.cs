using HeyGenRender.Pipeline.Orchestration;

namespace HeyGenRender.Pipeline.Tests.Orchestration;

public sealed class RenderSlotsTests
{
    private static readonly DateTime s_now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static SlotRequest R(string id, int limit = 2, int minute = 0) => new(id, limit, s_now.AddMinutes(minute), s_now.AddHours(2));

    [Fact]
    public void Acquire_AboveLimit_QueuesInArrivalOrderAndReleaseHandsSlotsOver()
    {
        var slots = new RenderSlots();
        Assert.True(slots.Acquire(R("a")).Granted);
        Assert.True(slots.Acquire(R("b")).Granted);
        var c = slots.Acquire(R("c"));
        var d = slots.Acquire(R("d"));

        Assert.False(c.Granted);
        Assert.Equal(1, c.Position);
        Assert.Equal(2, d.Position);

        var released = slots.Release(R("a"));
        Assert.Equal(["c"], released.Notify);
        Assert.True(slots.Acquire(R("c")).Granted); // asking again is idempotent
        Assert.False(slots.Acquire(R("d")).Granted);
        Assert.Equal(2, slots.Peak);
    }

    [Fact]
    public void Acquire_HolderLeaseExpired_SlotIsTakenBack()
    {
        var slots = new RenderSlots();
        slots.Acquire(new SlotRequest("gone", 1, s_now, s_now.AddMinutes(10)));

        Assert.False(slots.Acquire(R("next", 1, minute: 5)).Granted);
        Assert.True(slots.Acquire(R("next", 1, minute: 11)).Granted);
    }

    [Fact]
    public void Acquire_WaiterLeaseExpired_WaiterIsDroppedNotGranted()
    {
        var slots = new RenderSlots();
        slots.Acquire(R("holder", 1));
        slots.Acquire(new SlotRequest("vanished", 1, s_now, s_now.AddMinutes(10)));
        slots.Acquire(R("next", 1));

        var released = slots.Release(R("holder", 1, minute: 11));

        Assert.Equal(["next"], released.Notify);
        Assert.DoesNotContain(slots.Holders, h => h.InstanceId == "vanished");
        Assert.Empty(slots.Waiters);
    }
}
