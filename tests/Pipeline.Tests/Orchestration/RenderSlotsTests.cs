using System.Text.Json;
using HeyGenRender.Pipeline.Orchestration;

namespace HeyGenRender.Pipeline.Tests.Orchestration;

public sealed class RenderSlotsTests
{
    private static readonly DateTime s_now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static SlotRequest R(string id, int limit = 2, int minute = 0) => new(id, limit, s_now.AddMinutes(minute), s_now.AddHours(2));

    private static SlotRequest W(string id, int weight, int limit = 4, int minute = 0) => new(id, limit, s_now.AddMinutes(minute), s_now.AddHours(2), weight);

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

    [Fact]
    public void Acquire_WeightsThatFit_AreGrantedTogetherAndPeakCountsJobs()
    {
        var slots = new RenderSlots();

        Assert.True(slots.Acquire(W("three-languages", 3)).Granted);
        Assert.True(slots.Acquire(W("single", 1)).Granted);

        Assert.Equal(4, slots.Peak);
        Assert.False(slots.Acquire(W("one-more", 1)).Granted);
    }

    [Fact]
    public void Acquire_WeightDoesNotFit_QueuesUntilReleaseFreesTheWholeWeight()
    {
        var slots = new RenderSlots();
        slots.Acquire(W("a", 3));
        var b = slots.Acquire(W("b", 3));
        Assert.False(b.Granted);
        Assert.Equal(1, b.Position);

        var released = slots.Release(W("a", 3));

        Assert.Equal(["b"], released.Notify);
        Assert.True(slots.Acquire(W("b", 3)).Granted);
        Assert.Equal(3, slots.Peak);
    }

    [Fact]
    public void Acquire_LargeWaiterAtTheHead_SmallLaterRequestsWaitBehindIt()
    {
        var slots = new RenderSlots();
        slots.Acquire(W("a", 2));
        slots.Acquire(W("b", 1));
        var big = slots.Acquire(W("big", 3)); // 1 free, needs 3
        var small = slots.Acquire(W("small", 1)); // would fit, but the big one came first

        Assert.False(big.Granted);
        Assert.False(small.Granted);
        Assert.Equal(2, small.Position);

        Assert.Empty(slots.Release(W("b", 1)).Notify); // 2 free: still not enough for the head
        Assert.Equal(["big", "small"], slots.Release(W("a", 2)).Notify);
        Assert.Equal(4, slots.Peak);
    }

    [Fact]
    public void Acquire_WeightAboveTheLimit_IsCappedSoTheRenderRunsAlone()
    {
        var slots = new RenderSlots();
        slots.Acquire(W("small", 1));
        Assert.False(slots.Acquire(W("huge", 9)).Granted);

        Assert.Equal(["huge"], slots.Release(W("small", 1)).Notify);
        Assert.False(slots.Acquire(W("next", 1)).Granted);
        Assert.Equal(4, slots.Peak);
    }

    [Fact]
    public void Acquire_HeavyHolderLeaseExpired_ItsWholeWeightIsTakenBack()
    {
        var slots = new RenderSlots();
        slots.Acquire(new SlotRequest("gone", 4, s_now, s_now.AddMinutes(10), 3));

        Assert.False(slots.Acquire(W("next", 2, minute: 5)).Granted);
        Assert.True(slots.Acquire(W("next", 2, minute: 11)).Granted);
    }

    [Fact]
    public void Deserialize_StateAndRequestWithoutWeight_WeighOne()
    {
        var state = JsonSerializer.Deserialize<RenderSlots>(
            """{"holders":[{"instance_id":"old","lease_until":"2026-01-01T02:00:00Z"}],"waiters":[],"peak":1}""", OrchestrationJson.Options)!;
        var request = JsonSerializer.Deserialize<SlotRequest>(
            """{"instance_id":"new","limit":2,"now":"2026-01-01T00:00:00Z","lease_until":"2026-01-01T02:00:00Z"}""", OrchestrationJson.Options)!;

        Assert.Equal(1, state.Holders[0].Weight);
        Assert.Equal(1, request.Weight);
        Assert.True(state.Acquire(request).Granted);
        Assert.False(state.Acquire(R("third")).Granted);
    }
}
