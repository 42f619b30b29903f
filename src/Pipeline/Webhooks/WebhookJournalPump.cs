using Azure;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Webhooks;

/// <summary>
/// Dispatches the webhook journal in a host that keeps running (<c>serve</c>, <c>render</c>, tests): the batches this
/// process wrote, as soon as they are written, and every <see cref="WebhookIntakeOptions.JournalPollInterval"/> any
/// message that became visible again (written by a process that stopped before dispatching it, or whose dispatch
/// must be retried). A message is deleted once every entry in it is final; one that keeps failing is moved to
/// <c>{queue}-poison</c> after <see cref="WebhookIntakeOptions.MaxDispatchAttempts"/> deliveries, as the Functions
/// queue trigger does. The Functions app dispatches the same messages with its queue trigger instead.
/// </summary>
public sealed partial class WebhookJournalPump : BackgroundService
{
    private readonly WebhookJournal _journal;
    private readonly IServiceScopeFactory _scopes;
    private readonly WebhookIntakeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookJournalPump> _logger;
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

    private async Task DispatchTrackedAsync(WebhookJournalBatch batch, CancellationToken stoppingToken)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await DispatchAsync(batch.Entries, batch.MessageId, batch.PopReceipt, dequeueCount: 1, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the message comes back after its redelivery delay.
        }
        catch (RequestFailedException ex)
        {
            // Deleting it failed: it comes back, and its entries are duplicates then.
            Log.PollFailed(_logger, ex);
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
                var received = await _journal.Queue.ReceiveMessagesAsync(32, _options.RedeliveryDelay, stoppingToken).ConfigureAwait(false);
                foreach (var message in received.Value)
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

                if (received.Value.Length > 0)
                {
                    continue;
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // No journal yet: nothing was ever written.
            }
            catch (RequestFailedException ex)
            {
                Log.PollFailed(_logger, ex);
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

    private async Task DispatchMessageAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        IReadOnlyList<WebhookEntry> entries;
        try
        {
            entries = WebhookJournal.Parse(message.Body.ToString());
        }
        catch (System.Text.Json.JsonException ex)
        {
            Log.Unreadable(_logger, ex, message.MessageId);
            await MoveToPoisonAsync(message.MessageId, message.PopReceipt, message.Body.ToString(), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (message.DequeueCount > _options.MaxDispatchAttempts)
        {
            Log.GaveUp(_logger, message.MessageId, entries.Count, _options.MaxDispatchAttempts);
            await MoveToPoisonAsync(message.MessageId, message.PopReceipt, message.Body.ToString(), cancellationToken).ConfigureAwait(false);
            return;
        }

        await DispatchAsync(entries, message.MessageId, message.PopReceipt, message.DequeueCount, cancellationToken).ConfigureAwait(false);
    }

    private async Task DispatchAsync(IReadOnlyList<WebhookEntry> entries, string messageId, string popReceipt, long dequeueCount, CancellationToken cancellationToken)
    {
        IReadOnlyList<WebhookDispatchOutcome> outcomes;
        await using (var scope = _scopes.CreateAsyncScope())
        {
            outcomes = await scope.ServiceProvider.GetRequiredService<WebhookDispatcher>().DispatchAllAsync(entries, cancellationToken).ConfigureAwait(false);
        }

        if (outcomes.Contains(WebhookDispatchOutcome.Retry))
        {
            // Left in the queue: it comes back after the redelivery delay; the entries already delivered are duplicates then.
            Log.WillRetry(_logger, messageId, outcomes.Count(o => o == WebhookDispatchOutcome.Retry), dequeueCount);
            return;
        }

        try
        {
            await _journal.Queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            // Another dispatcher received it meanwhile (the receipt changed) or deleted it: its entries are duplicates to it.
        }
    }

    private async Task MoveToPoisonAsync(string messageId, string popReceipt, string text, CancellationToken cancellationToken)
    {
        var poisonQueue = _journal.PoisonQueue;
        await poisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await poisonQueue.SendMessageAsync(text, cancellationToken).ConfigureAwait(false);
        await _journal.Queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2211, Level = LogLevel.Warning, Message = "Webhook journal message {MessageId}: {Count} deliveries not dispatched yet (attempt {Attempt}); it comes back")]
        public static partial void WillRetry(ILogger logger, string messageId, int count, long attempt);

        [LoggerMessage(EventId = 2212, Level = LogLevel.Error, Message = "Webhook journal message {MessageId} with {Count} deliveries failed {Attempts} times; moved to the poison queue")]
        public static partial void GaveUp(ILogger logger, string messageId, int count, int attempts);

        [LoggerMessage(EventId = 2213, Level = LogLevel.Error, Message = "Webhook journal message {MessageId} is not a journal message; moved to the poison queue")]
        public static partial void Unreadable(ILogger logger, Exception exception, string messageId);

        [LoggerMessage(EventId = 2214, Level = LogLevel.Warning, Message = "Could not read the webhook journal; trying again")]
        public static partial void PollFailed(ILogger logger, Exception exception);
    }
}
