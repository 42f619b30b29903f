namespace HeyGenRender.Pipeline.Webhooks;

/// <summary>
/// Where <see cref="WebhookJournal"/> keeps its messages: a storage queue (<see cref="QueueJournalStore"/>, shared by
/// every process of the app) or files on the local disk (<see cref="FileJournalStore"/>, one machine). A message is
/// durable once <see cref="WriteAsync"/> returns, hidden from other readers while one process holds it, and comes
/// back to <see cref="ReceiveAsync"/> until it is deleted, so a crashed dispatcher loses nothing.
/// </summary>
public interface IWebhookJournalStore
{
    /// <summary>What the store is, for logs and errors (a queue name, a folder).</summary>
    string Name { get; }

    /// <summary>
    /// Journal writes worth having in flight at once: several for a queue (each a network round trip), one for a disk,
    /// where flushes queue behind each other and fewer, larger writes cost less.
    /// </summary>
    int MaxConcurrentWrites { get; }

    /// <summary>Stores <paramref name="text"/> durably.</summary>
    /// <param name="text">The encoded journal message.</param>
    /// <param name="holdForWriter">True when the writer dispatches it itself: hidden from <see cref="ReceiveAsync"/> meanwhile.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored message's handle.</returns>
    Task<JournalHandle> WriteAsync(string text, bool holdForWriter, CancellationToken cancellationToken = default);

    /// <summary>Takes up to <paramref name="max"/> messages that nobody holds, and holds them.</summary>
    /// <param name="max">The most messages to take.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The messages taken, oldest first where the store knows the order.</returns>
    Task<IReadOnlyList<StoredJournalMessage>> ReceiveAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>Deletes a message that was dispatched. One already deleted or taken over by another reader is not an error.</summary>
    Task DeleteAsync(JournalHandle handle, CancellationToken cancellationToken = default);

    /// <summary>Stops holding a message that must be dispatched again; <see cref="ReceiveAsync"/> returns it later.</summary>
    Task AbandonAsync(JournalHandle handle, CancellationToken cancellationToken = default);

    /// <summary>Moves a message that keeps failing or cannot be read out of the journal, where an operator finds it.</summary>
    Task MoveToPoisonAsync(StoredJournalMessage message, CancellationToken cancellationToken = default);

    /// <summary>Messages in the journal (held or not): 0 when every delivery has been dispatched.</summary>
    Task<int> CountAsync(CancellationToken cancellationToken = default);
}

/// <summary>A stored journal message as its holder knows it.</summary>
/// <param name="MessageId">The message's id in the store.</param>
/// <param name="Receipt">What proves the hold (a queue pop receipt; for files, the id again).</param>
public sealed record JournalHandle(string MessageId, string Receipt);

/// <summary>A journal message taken by <see cref="IWebhookJournalStore.ReceiveAsync"/>.</summary>
/// <param name="Handle">Its handle, to delete or abandon it.</param>
/// <param name="Text">The encoded journal message.</param>
/// <param name="DeliveryCount">How many times it has been taken, this time included.</param>
public sealed record StoredJournalMessage(JournalHandle Handle, string Text, long DeliveryCount);
