using System.Text.Json.Serialization;

namespace HeyGenRender.Pipeline.Orchestration;

/// <summary>
/// The state and operations of the semaphore that bounds HeyGen jobs in flight: a weighted counting semaphore with a
/// FIFO queue of waiters. A request weighs as many HeyGen jobs as its render will run (a translation into three
/// languages is three jobs for HeyGen); a waiter is granted only when its whole weight fits, and only in arrival order,
/// so small requests cannot overtake and starve a large one. A render calls <see cref="Acquire"/> before it creates its HeyGen job; when queued, it waits for
/// the <c>RenderSlotGranted</c> event (with a timer to ask again). A render calls <see cref="Release"/> once its job
/// is finished; slots freed go to the waiters in order, and the caller sends each one the event. Both operations
/// answer <see cref="SlotAnswer.Notify"/> for that reason: only an orchestration sends events to another.
/// Holders carry a lease (their render's deadline), so a render that vanished cannot hold a slot for ever.
/// </summary>
/// <remarks>
/// Pure and deterministic (time comes in the request). <see cref="RenderSlotStore"/> keeps it in one blob and applies
/// each operation atomically, from the <c>AcquireRenderSlot</c> and <c>ReleaseRenderSlot</c> activities, in every host.
/// </remarks>
public sealed class RenderSlots
{
    /// <summary>Renders holding a slot.</summary>
    [JsonPropertyName("holders")]
    public List<SlotLease> Holders { get; set; } = [];

    /// <summary>Renders waiting, first come first served.</summary>
    [JsonPropertyName("waiters")]
    public List<SlotLease> Waiters { get; set; } = [];

    /// <summary>The most slots (HeyGen jobs) ever held at once (for measurement).</summary>
    [JsonPropertyName("peak")]
    public int Peak { get; set; }

    /// <summary>Takes a slot for the caller, or queues it. Idempotent: a holder asking again is granted again.</summary>
    public SlotAnswer Acquire(SlotRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Expire(request.Now);
        if (Holders.Any(h => h.InstanceId == request.InstanceId))
        {
            return new SlotAnswer(true, 0, []);
        }

        if (!Waiters.Any(w => w.InstanceId == request.InstanceId))
        {
            Waiters.Add(new SlotLease(request.InstanceId, request.LeaseUntil, request.Weight));
        }

        var granted = Grant(request.Limit);
        var mine = granted.Remove(request.InstanceId);
        var position = mine ? 0 : Waiters.FindIndex(w => w.InstanceId == request.InstanceId) + 1;
        return new SlotAnswer(mine, position, granted);
    }

    /// <summary>Frees the caller's slot (or its place in the queue) and hands freed slots to the first waiters.</summary>
    public SlotAnswer Release(SlotRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Holders.RemoveAll(h => h.InstanceId == request.InstanceId);
        Waiters.RemoveAll(w => w.InstanceId == request.InstanceId);
        Expire(request.Now);
        var granted = Grant(request.Limit);
        return new SlotAnswer(false, 0, granted);
    }

    // Waiters expire too: a render that vanished while queued must not be granted a slot it will never release.
    private void Expire(DateTime now)
    {
        Holders.RemoveAll(h => h.LeaseUntil <= now);
        Waiters.RemoveAll(w => w.LeaseUntil <= now);
    }

    private List<string> Grant(int limit)
    {
        var granted = new List<string>();
        var held = Holders.Sum(h => WeightOf(h, limit));
        while (Waiters.Count > 0 && held + WeightOf(Waiters[0], limit) <= limit)
        {
            var next = Waiters[0];
            Waiters.RemoveAt(0);
            Holders.Add(next);
            held += WeightOf(next, limit);
            granted.Add(next.InstanceId);
        }

        Peak = Math.Max(Peak, held);
        return granted;
    }

    // Capped at the limit so a render heavier than the limit still runs (alone); at least 1 for state written before
    // weights existed or a bad request.
    private static int WeightOf(SlotLease lease, int limit) => Math.Clamp(lease.Weight, 1, Math.Max(1, limit));
}

/// <summary>A holder or waiter of <see cref="RenderSlots"/>.</summary>
/// <param name="InstanceId">The render.</param>
/// <param name="LeaseUntil">When the slot is taken back if not released (the render's deadline plus a margin).</param>
/// <param name="Weight">The HeyGen jobs it holds or waits for (absent in older state: 1).</param>
public sealed record SlotLease(
    [property: JsonPropertyName("instance_id")] string InstanceId,
    [property: JsonPropertyName("lease_until")] DateTime LeaseUntil,
    [property: JsonPropertyName("weight")] int Weight = 1);

/// <summary>The input of both <see cref="RenderSlots"/> operations.</summary>
/// <param name="InstanceId">The calling render.</param>
/// <param name="Limit">The configured number of HeyGen jobs allowed in flight.</param>
/// <param name="Now">The caller's orchestration time.</param>
/// <param name="LeaseUntil">When the slot expires if never released.</param>
/// <param name="Weight">The HeyGen jobs the render will run: 1, or a translation's number of output languages
/// (capped at <paramref name="Limit"/> by the semaphore). Optional in JSON: absent means 1.</param>
public sealed record SlotRequest(
    [property: JsonPropertyName("instance_id")] string InstanceId,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("now")] DateTime Now,
    [property: JsonPropertyName("lease_until")] DateTime LeaseUntil,
    [property: JsonPropertyName("weight")] int Weight = 1);

/// <summary>The answer of a <see cref="RenderSlots"/> operation.</summary>
/// <param name="Granted">True when the caller holds a slot.</param>
/// <param name="Position">The caller's place in the queue (1 = next), or 0.</param>
/// <param name="Notify">Other renders just given a slot: the caller sends each the <c>RenderSlotGranted</c> event.</param>
public sealed record SlotAnswer(
    [property: JsonPropertyName("granted")] bool Granted,
    [property: JsonPropertyName("position")] int Position,
    [property: JsonPropertyName("notify")] IReadOnlyList<string> Notify);
