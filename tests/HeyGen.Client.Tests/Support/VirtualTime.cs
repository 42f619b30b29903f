using System.Diagnostics;
using HeyGenRender.TestSupport;

namespace HeyGen.Client.Tests.Support;

/// <summary>Drives a call that waits on a <see cref="ManualTimeProvider"/>: each armed timer is fired by moving the clock, never by sleeping.</summary>
internal static class VirtualTime
{
    /// <summary>Runs <paramref name="task"/> to completion, advancing the clock to each due timer; returns the waits it advanced.</summary>
    public static async Task<List<TimeSpan>> DriveAsync(Task task, ManualTimeProvider time)
    {
        var waits = new List<TimeSpan>();
        var guard = Stopwatch.StartNew();
        while (!task.IsCompleted)
        {
            if (time.NextDue is { } due)
            {
                var wait = due - time.GetUtcNow();
                waits.Add(wait);
                time.Advance(wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
            }
            else
            {
                // Loopback I/O is in flight: let it progress.
                await Task.Yield();
            }

            if (guard.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException("The call did not finish.");
            }
        }

        await Task.WhenAny(task); // The caller awaits the task itself to see its result or exception.
        return waits;
    }
}
