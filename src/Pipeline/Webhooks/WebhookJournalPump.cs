using System.Diagnostics;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Webhooks;

/// <summary>
/// Dispatches the webhook journal in a host that keeps running (<c>serve</c>, <c>render</c>, tests): the batches this
/// process wrote, as soon as they are written, and every <see cref="WebhookIntakeOptions.JournalPollInterval"/> any
/// message that became visible again (written by a process that stopped before dispatching it, or whose dispatch
/// must be retried). A message is deleted once every entry in it is final; one that keeps failing is moved to poison
/// after <see cref="WebhookIntakeOptions.MaxDispatchAttempts"/> deliveries, as the Functions queue trigger does. The Functions app dispatches the same messages with its queue trigger instead.
/// </summary>
public sealed partial class WebhookJournalPump : BackgroundService
{
    private readonly WebhookJournal _journal;
    private readonly IServiceScopeFactory _scopes;
    private readonly WebhookIntakeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookJournalPump> _logger;
    private static readonly TimeSpan s_quietPeriod = TimeSpan.FromMilliseconds(20);
    private int _inFlight;

    /// <summary>Creates the pump.</summary>
    /// <param name="journal">The journal this process writes.</param>
    /// <param name="scopes">Scopes for <see cref="WebhookDispatcher"/>.</param>
    /// <param name="options">Poll interval, attempts, redelivery delay.</param>
    /// <param name="time">The clock of the poll interval.</param>
    /// <param name="logger">Logs dispatch failures.</param>
    public WebhookJournalPump(WebhookJournal journal, IServiceScopeFactory scopes, IOptions<WebhookIntakeOptions> options, TimeProvider time, ILogger<WebhookJournalPump> logger)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _journal = journal;
        _scopes = scopes;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Journal messages being dispatched right now (for tests and benchmarks that wait for quiet).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(DispatchWrittenAsync(stoppingToken), RecoverAsync(stoppingToken));

    private async Task DispatchWrittenAsync(CancellationToken stoppingToken)
    {
        // Batches side by side: webhooks that arrive one at a time are each a batch of one, and must not queue behind each
        // other. The entries themselves are limited by the dispatch gate (WebhookIntakeOptions.DispatchConcurrency).
        var running = new List<Task>();
        try
        {
            await foreach (var batch in _journal.Written.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await YieldToIntakeAsync(stoppingToken).ConfigureAwait(false);
                running.RemoveAll(t => t.IsCompleted);
                running.Add(DispatchTrackedAsync(batch, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: undispatched messages come back after their redelivery delay.
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    // Answering HeyGen comes first: dispatch is storage and engine work on the same cores, so while deliveries are
    // arriving it waits, at most DispatchYield, then runs whether or not the burst is over. Wall time on purpose: a
    // scheduling hint, which must not stall on a test's manual clock.
    private async Task YieldToIntakeAsync(CancellationToken stoppingToken)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < _options.DispatchYield && _journal.IsReceiving(s_quietPeriod))
        {
            await Task.Delay(s_quietPeriod / 2, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task DispatchTrackedAsync(WebhookJournalBatch batch, CancellationToken stoppingToken)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await DispatchAsync(batch.Entries, batch.Handle, deliveryCount: 1, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the message comes back after its redelivery delay.
        }
        catch (Exception ex) when (ex is RequestFailedException or IOException)
        {
            // Deleting it failed: it comes back, and its entries are duplicates then.
            Log.PollFailed(_logger, ex, _journal.Store.Name);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task RecoverAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var received = await _journal.Store.ReceiveAsync(32, stoppingToken).ConfigureAwait(false);
                foreach (var message in received)
                {
                    Interlocked.Increment(ref _inFlight);
                    try
                    {
                        await DispatchMessageAsync(message, stoppingToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _inFlight);
                    }
                }

                if (received.Count > 0)
                {
                    continue;
                }
            }
            catch (Exception ex) when (ex is RequestFailedException or IOException or UnauthorizedAccessException)
            {
                Log.PollFailed(_logger, ex, _journal.Store.Name);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(_options.JournalPollInterval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task DispatchMessageAsync(StoredJournalMessage message, CancellationToken cancellationToken)
    {
        IReadOnlyList<WebhookEntry> entries;
        try
        {
            entries = WebhookJournal.Parse(message.Text);
        }
        catch (System.Text.Json.JsonException ex)
        {
            Log.Unreadable(_logger, ex, message.Handle.MessageId);
            await _journal.Store.MoveToPoisonAsync(message, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (message.DeliveryCount > _options.MaxDispatchAttempts)
        {
            Log.GaveUp(_logger, message.Handle.MessageId, entries.Count, _options.MaxDispatchAttempts);
            await _journal.Store.MoveToPoisonAsync(message, cancellationToken).ConfigureAwait(false);
            return;
        }

        await DispatchAsync(entries, message.Handle, message.DeliveryCount, cancellationToken).ConfigureAwait(false);
    }

    private async Task DispatchAsync(IReadOnlyList<WebhookEntry> entries, JournalHandle handle, long deliveryCount, CancellationToken cancellationToken)
    {
        IReadOnlyList<WebhookDispatchOutcome> outcomes;
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            outcomes = await scope.ServiceProvider.GetRequiredService<WebhookDispatcher>().DispatchAllAsync(entries, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await _journal.Store.AbandonAsync(handle, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        if (outcomes.Contains(WebhookDispatchOutcome.Retry))
        {
            // Left in the journal: it comes back; the entries already delivered are duplicates then.
            Log.WillRetry(_logger, handle.MessageId, outcomes.Count(o => o == WebhookDispatchOutcome.Retry), deliveryCount);
            await _journal.Store.AbandonAsync(handle, cancellationToken).ConfigureAwait(false);
            return;
        }

        await _journal.Store.DeleteAsync(handle, cancellationToken).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2211, Level = LogLevel.Warning, Message = "Webhook journal message {MessageId}: {Count} deliveries not dispatched yet (attempt {Attempt}); it comes back")]
        public static partial void WillRetry(ILogger logger, string messageId, int count, long attempt);

        [LoggerMessage(EventId = 2212, Level = LogLevel.Error, Message = "Webhook journal message {MessageId} with {Count} deliveries failed {Attempts} times; moved to the poison queue")]
        public static partial void GaveUp(ILogger logger, string messageId, int count, int attempts);

        [LoggerMessage(EventId = 2213, Level = LogLevel.Error, Message = "Webhook journal message {MessageId} is not a journal message; moved to the poison queue")]
        public static partial void Unreadable(ILogger logger, Exception exception, string messageId);

        [LoggerMessage(EventId = 2214, Level = LogLevel.Warning, Message = "Could not read or update the webhook journal ({Store}); trying again")]
        public static partial void PollFailed(ILogger logger, Exception exception, string store);
    }
}
