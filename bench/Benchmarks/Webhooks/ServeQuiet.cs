using System.Diagnostics;
using Azure.Storage.Queues;
using HeyGenRender.Benchmarks.Harness;

namespace HeyGenRender.Benchmarks.Webhooks;

/// <summary>
/// Waits until serve has caught up with a load: its webhook journal empty (every delivery dispatched, since a
/// message is deleted only after; files in its journal folder, or its journal queue), then nothing ready in its task hub's control and work-item queues twice in a row
/// (the engine has run the episodes the raised events caused; the renders' timers stay, invisible until due).
/// </summary>
internal sealed class ServeQuiet(string connectionString, ServeProcess serve)
{
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(10);

    private readonly QueueClient _journal = new QueueServiceClient(connectionString).GetQueueClient(serve.EventsContainer);
    private readonly QueueClient[] _engine =
    [
        new QueueServiceClient(connectionString).GetQueueClient(serve.TaskHub.ToLowerInvariant() + "-control-00"),
        new QueueServiceClient(connectionString).GetQueueClient(serve.TaskHub.ToLowerInvariant() + "-workitems"),
    ];

    /// <summary>Seconds from the load's start until the journal was empty, and until the engine's queues were too.</summary>
    public async Task<(double Dispatched, double Engine)> WaitAsync(double loadSeconds, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await UntilAsync(JournalEmptyAsync, serve.JournalFolder ?? _journal.Name, cancellationToken);
        var dispatched = loadSeconds + clock.Elapsed.TotalSeconds;
        var idle = 0;
        await UntilAsync(async () =>
        {
            var ready = await Task.WhenAll(_engine.Select(async q => await q.ExistsAsync(cancellationToken) && (await q.PeekMessagesAsync(1, cancellationToken)).Value.Length > 0));
            idle = ready.Any(r => r) ? 0 : idle + 1;
            return idle >= 2;
        }, string.Join(", ", _engine.Select(q => q.Name)), cancellationToken);
        return (dispatched, loadSeconds + clock.Elapsed.TotalSeconds - 0.2);
    }

    private async Task<bool> JournalEmptyAsync() => serve.JournalFolder is { } folder
        ? !Directory.Exists(folder) || !Directory.EnumerateFiles(folder, "*.json").Any()
        : !await _journal.ExistsAsync() || (await _journal.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0;

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < s_limit)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"serve did not catch up within {s_limit}: {what}.");
    }
}
