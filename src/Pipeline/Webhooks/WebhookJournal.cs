using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Webhooks;

/// <summary>A verified webhook delivery, as journaled and dispatched.</summary>
public sealed record WebhookEntry
{
    /// <summary>The event, reduced to what the workflow needs.</summary>
    [JsonPropertyName("notification")]
    public required WebhookNotification Notification { get; init; }

    /// <summary>The event's <c>callback_id</c> (the render id when the workflow created the job), if any.</summary>
    [JsonPropertyName("callback_id")]
    public string? CallbackId { get; init; }

    /// <summary>When the delivery was received.</summary>
    [JsonPropertyName("received_at")]
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the span that received it, so its dispatch links back to the delivery.</summary>
    [JsonPropertyName("traceparent")]
    public string? TraceParent { get; init; }
}

/// <summary>One journal message: the entries it holds, and how to delete it once they are dispatched.</summary>
/// <param name="Entries">The deliveries, in arrival order.</param>
/// <param name="Handle">The stored message, held by this process until deleted or abandoned.</param>
public sealed record WebhookJournalBatch(IReadOnlyList<WebhookEntry> Entries, JournalHandle Handle);

/// <summary>
/// The webhook intake's write-ahead log: a verified delivery is safe once it is in the journal's store
/// (<see cref="IWebhookJournalStore"/>: a storage queue, or files on the local disk), and only then acknowledged.
/// Deliveries that arrive while writes are in flight are written together in the next message (group commit, at most
/// <see cref="IWebhookJournalStore.MaxConcurrentWrites"/> writes at once), so a burst of deliveries costs one write per batch, not one per
/// delivery; each caller waits only for the write that holds its entry. With <see cref="WebhookIntakeOptions.LocalDispatch"/>
/// the message is held for this process and handed to its <see cref="WebhookJournalPump"/> at once; otherwise (the
/// Functions app) it is left for the queue trigger. Either way a message not deleted after dispatch is delivered
/// again, so nothing is lost with a crashed process.
/// </summary>
public sealed partial class WebhookJournal
{
    /// <summary>Azure Storage's limit is 64 KiB of encoded text; entries are base64 (4/3), so 46 KiB of JSON fits.</summary>
    internal const int MaxMessageBytes = 46 * 1024;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly WebhookIntakeOptions _options;
    private readonly ILogger<WebhookJournal> _logger;
    private readonly Lock _gate = new();
    private readonly List<Pending> _pending = [];
    private readonly Channel<WebhookJournalBatch> _written = Channel.CreateUnbounded<WebhookJournalBatch>(new UnboundedChannelOptions { SingleReader = true });
    private int _writers;
    private long _lastAppend; // Stopwatch timestamp of the latest append

    /// <summary>Creates the journal.</summary>
    /// <param name="store">Where its messages are kept.</param>
    /// <param name="options">Local dispatch or not.</param>
    /// <param name="logger">Logs write failures.</param>
    public WebhookJournal(IWebhookJournalStore store, IOptions<WebhookIntakeOptions> options, ILogger<WebhookJournal> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        Store = store;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Where the journal's messages are kept.</summary>
    public IWebhookJournalStore Store { get; }

    /// <summary>Batches written by this process, for its local dispatcher (only with <see cref="WebhookIntakeOptions.LocalDispatch"/>).</summary>
    public ChannelReader<WebhookJournalBatch> Written => _written.Reader;

    /// <summary>Deliveries waiting for the next write (the one in flight not counted).</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// True while deliveries are arriving: writes waiting or in flight, or an append less than <paramref name="quietFor"/>
    /// ago (wall time: a scheduling hint for the dispatcher, not part of what the journal guarantees).
    /// </summary>
    /// <param name="quietFor">How long without an append counts as quiet.</param>
    /// <returns>Whether HeyGen is being answered right now.</returns>
    public bool IsReceiving(TimeSpan quietFor)
    {
        lock (_gate)
        {
            if (_pending.Count > 0 || _writers > 0)
            {
                return true;
            }
        }

        return Stopwatch.GetElapsedTime(Volatile.Read(ref _lastAppend)) < quietFor;
    }

    /// <summary>Writes <paramref name="entry"/> to the journal, with whatever else arrived meanwhile.</summary>
    /// <param name="entry">The verified delivery.</param>
    /// <param name="cancellationToken">Stops waiting (the write may still happen; the dispatcher de-duplicates).</param>
    /// <returns>A task that completes once the entry is durably stored.</returns>
    /// <exception cref="Exception">The store refused the write (a storage error, a full disk); the delivery is not stored.</exception>
    public Task AppendAsync(WebhookEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var pending = new Pending(entry, JsonSerializer.SerializeToUtf8Bytes(entry, s_json));
        Volatile.Write(ref _lastAppend, Stopwatch.GetTimestamp());
        bool startWriter;
        lock (_gate)
        {
            _pending.Add(pending);
            startWriter = _writers < Store.MaxConcurrentWrites;
            if (startWriter)
            {
                _writers++;
            }
        }

        if (startWriter)
        {
            _ = Task.Run(FlushAsync, CancellationToken.None);
        }

        return pending.Written.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Reads a journal message written by any process.</summary>
    /// <param name="text">The message text (decoded).</param>
    /// <returns>Its entries.</returns>
    /// <exception cref="JsonException">Not a journal message.</exception>
    public static IReadOnlyList<WebhookEntry> Parse(string text) =>
        JsonSerializer.Deserialize<JournalMessage>(text, s_json)?.Entries ?? throw new JsonException("A webhook journal message has no entries.");

    // Up to the store's MaxConcurrentWrites writers: whatever is pending when a writer is free goes into its next write, up to the
    // message size. More than one, so an arrival does not wait for a write already in flight to finish before its own.
    private async Task FlushAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _writers--;
                    return;
                }

                batch = Take(_pending);
            }

            try
            {
                var text = Encode(batch);
                var handle = await Store.WriteAsync(text, holdForWriter: _options.LocalDispatch).ConfigureAwait(false);
                if (_options.LocalDispatch)
                {
                    _written.Writer.TryWrite(new WebhookJournalBatch([.. batch.Select(b => b.Entry)], handle));
                }

                foreach (var item in batch)
                {
                    item.Written.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                Log.WriteFailed(_logger, ex, batch.Count, Store.Name);
                foreach (var item in batch)
                {
                    item.Written.TrySetException(ex);
                }
            }
        }
    }

    private static List<Pending> Take(List<Pending> pending)
    {
        var size = 0;
        var count = 0;
        while (count < pending.Count && (count == 0 || size + pending[count].Json.Length + 1 <= MaxMessageBytes - 64))
        {
            size += pending[count].Json.Length + 1;
            count++;
        }

        var batch = pending.GetRange(0, count);
        pending.RemoveRange(0, count);
        return batch;
    }

    private static string Encode(List<Pending> batch)
    {
        using var buffer = new MemoryStream();
        buffer.Write("{\"v\":1,\"entries\":["u8);
        for (var i = 0; i < batch.Count; i++)
        {
            if (i > 0)
            {
                buffer.WriteByte((byte)',');
            }

            buffer.Write(batch[i].Json);
        }

        buffer.Write("]}"u8);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private sealed class Pending(WebhookEntry entry, byte[] json)
    {
        public WebhookEntry Entry { get; } = entry;

        public byte[] Json { get; } = json;

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record JournalMessage([property: JsonPropertyName("v")] int Version, [property: JsonPropertyName("entries")] IReadOnlyList<WebhookEntry> Entries);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2210, Level = LogLevel.Error, Message = "Could not write {Count} webhook deliveries to the journal ({Store}); they are answered 503 and HeyGen retries them")]
        public static partial void WriteFailed(ILogger logger, Exception exception, int count, string store);
    }
}
