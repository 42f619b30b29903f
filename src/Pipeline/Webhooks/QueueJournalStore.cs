using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Webhooks;

/// <summary>
/// The webhook journal in a storage queue (<see cref="Storage.StorageOptions.WebhookQueueName"/>): the Functions app's
/// journal, read by its queue trigger, and the choice for several <c>serve</c> processes on one account, since any of
/// them can dispatch what another wrote. A message held for its writer is sent invisible for
/// <see cref="WebhookIntakeOptions.RedeliveryDelay"/>; a message nobody deletes becomes visible again after it.
/// Poison goes to <c>{queue}-poison</c>, the queue trigger's convention.
/// </summary>
public sealed class QueueJournalStore : IWebhookJournalStore
{
    private readonly WebhookIntakeOptions _options;
    private int _queueReady;

    /// <summary>Creates the store.</summary>
    /// <param name="queue">The journal queue.</param>
    /// <param name="poisonQueue">Where messages that keep failing go.</param>
    /// <param name="options">The redelivery delay.</param>
    public QueueJournalStore(QueueClient queue, QueueClient poisonQueue, IOptions<WebhookIntakeOptions> options)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(poisonQueue);
        ArgumentNullException.ThrowIfNull(options);
        Queue = queue;
        PoisonQueue = poisonQueue;
        _options = options.Value;
    }

    /// <summary>The store for the journal queue <paramref name="name"/> of <paramref name="queues"/>, and its <c>{name}-poison</c>.</summary>
    /// <param name="queues">The queue account (Base64 message encoding, as the queue trigger reads).</param>
    /// <param name="name">The journal queue's name (<see cref="Storage.StorageOptions.WebhookQueueName"/>).</param>
    /// <param name="options">The redelivery delay.</param>
    /// <returns>The store.</returns>
    public static QueueJournalStore For(QueueServiceClient queues, string name, IOptions<WebhookIntakeOptions> options)
    {
        ArgumentNullException.ThrowIfNull(queues);
        return new(queues.GetQueueClient(name), queues.GetQueueClient(name + "-poison"), options);
    }

    /// <summary>The journal queue.</summary>
    public QueueClient Queue { get; }

    /// <summary>The poison queue, <c>{queue}-poison</c>.</summary>
    public QueueClient PoisonQueue { get; }

    /// <inheritdoc />
    public string Name => $"queue {Queue.Name}";

    /// <inheritdoc />
    public int MaxConcurrentWrites => 3;

    /// <inheritdoc />
    public async Task<JournalHandle> WriteAsync(string text, bool holdForWriter, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _queueReady) == 0)
        {
            await Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _queueReady, 1);
        }

        try
        {
            var sent = await Queue.SendMessageAsync(text, holdForWriter ? _options.RedeliveryDelay : TimeSpan.Zero, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new JournalHandle(sent.Value.MessageId, sent.Value.PopReceipt);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            Volatile.Write(ref _queueReady, 0); // deleted under us: created again on the next write
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredJournalMessage>> ReceiveAsync(int max, CancellationToken cancellationToken = default)
    {
        try
        {
            var received = await Queue.ReceiveMessagesAsync(Math.Clamp(max, 1, 32), _options.RedeliveryDelay, cancellationToken).ConfigureAwait(false);
            return [.. received.Value.Select(m => new StoredJournalMessage(new JournalHandle(m.MessageId, m.PopReceipt), m.Body.ToString(), m.DequeueCount))];
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // no journal yet: nothing was ever written
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(JournalHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        try
        {
            await Queue.DeleteMessageAsync(handle.MessageId, handle.Receipt, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            // Another dispatcher received it meanwhile (the receipt changed) or deleted it: its entries are duplicates to it.
        }
    }

    /// <inheritdoc />
    public Task AbandonAsync(JournalHandle handle, CancellationToken cancellationToken = default) =>
        Task.CompletedTask; // it becomes visible again when its invisibility ends

    /// <inheritdoc />
    public async Task MoveToPoisonAsync(StoredJournalMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await PoisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await PoisonQueue.SendMessageAsync(message.Text, cancellationToken).ConfigureAwait(false);
        await DeleteAsync(message.Handle, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return (await Queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }
    }
}
